// What a sync role remembers of what it wrote to Consul is trusted only after a save that completed: a cycle
// that stopped anywhere after it began changing Consul (error, cancel, deadline) left Consul and memory
// apart, so the next cycle reads Consul again. At start-up nothing is trusted.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_SAVE_TRUST_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_SAVE_TRUST_HPP

#include <optional>
#include <utility>

namespace vk::sync {

// A remembered value of what Consul holds (the origin's holdings): nullopt when unknown.
template <class T> class remembered_save
{
public:
    bool known() const noexcept { return value_.has_value(); }

    // Read from Consul, or written by a save that completed.
    void known_as(T v) { value_ = std::move(v); }

    // A save starts from the remembered value; it stays unknown unless known_as follows (the save completed).
    T begin_save()
    {
        T v = std::move(*value_);
        value_.reset();
        return v;
    }

private:
    std::optional<T> value_;
};

// The same for a cache kept elsewhere (the destination's info reader): only whether it may be trusted.
class save_trust
{
public:
    bool trusted() const noexcept { return saved_; }
    void begin_save() noexcept { saved_ = false; }
    void saved() noexcept { saved_ = true; }

private:
    bool saved_ = false;
};

}  // namespace vk::sync

#endif
