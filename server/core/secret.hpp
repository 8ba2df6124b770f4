// A secret value (token, key) that cannot be printed by accident: formatting shows "<redacted>", and the
// value is only reachable through reveal(). Config gives secrets inline, as {"file": "..."} or {"env":
// "..."}.
#ifndef VAULTKEEPER_SERVER_CORE_SECRET_HPP
#define VAULTKEEPER_SERVER_CORE_SECRET_HPP

#include <ostream>
#include <string>

namespace vk {

class secret
{
public:
    secret() = default;
    explicit secret(std::string value, std::string source = "inline")
        : value_(std::move(value)),
          source_(std::move(source))
    {
    }

    const std::string& reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }
    // Where the value came from ("inline", "file /run/token", "env VAULT_TOKEN"), safe to log.
    const std::string& source() const noexcept { return source_; }

    // Overwrites the value where it lies and forgets it (the admin tokens, once their digests are made).
    void wipe() noexcept
    {
        volatile char* p = value_.data();
        for (std::size_t i = 0; i < value_.size(); ++i)
            p[i] = '\0';
        value_.clear();
    }

    friend bool operator==(const secret& a, const secret& b) { return a.value_ == b.value_; }
    friend std::ostream& operator<<(std::ostream& os, const secret&) { return os << "<redacted>"; }

private:
    std::string value_;
    std::string source_;
};

}  // namespace vk

#endif
