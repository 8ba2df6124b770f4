// Incremental SHA-256 with a lowercase hex result: the sums of stored snapshots and of archive entries.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_SHA256_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_SHA256_HPP

#include <memory>
#include <string>
#include <string_view>

namespace vk::snapshot {

class sha256_hasher
{
public:
    sha256_hasher();
    ~sha256_hasher();
    sha256_hasher(sha256_hasher&&) noexcept;
    sha256_hasher& operator=(sha256_hasher&&) noexcept;

    void update(std::string_view data);
    // The digest of everything so far, as 64 lowercase hex digits; the hasher starts over.
    std::string hex_digest();

private:
    struct ctx;
    std::unique_ptr<ctx> ctx_;
};

}  // namespace vk::snapshot

#endif
