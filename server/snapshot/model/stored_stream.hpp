// A stored snapshot read as a stream, with nothing on disk: its bytes in at any boundary, its plaintext out
// (decrypted when a recipient is given), the SHA-256 of both kept and, when asked, the plaintext fed to the
// archive verifier. Restore's two passes read the same object through it: the first verifies, the second
// hashes what it sends to Vault so it can be checked against the first.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_STORED_STREAM_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_STORED_STREAM_HPP

#include "core/error.hpp"
#include "snapshot/model/archive_verifier.hpp"
#include "snapshot/model/cms_decryptor.hpp"
#include "snapshot/model/sha256.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vk::snapshot {

// What a whole stored object turned out to be.
struct stream_summary
{
    std::string stored_sha256;  // of the object as stored (what the upload recorded)
    std::string plain_sha256;   // of the archive (what Vault receives)
    std::uint64_t stored_bytes = 0;
    std::uint64_t plain_bytes = 0;
    std::optional<archive_summary> archive;  // when verified
};

class stored_stream
{
public:
    // `recipient` null: the object is the archive itself. `verify`: feed the archive verifier too.
    stored_stream(std::shared_ptr<const cms_recipient> recipient, bool verify);

    // The plaintext these stored bytes complete (valid until the next call). bad_response when the
    // envelope does not open or the archive fails verification.
    result<std::string_view> feed(std::string_view stored);
    // After the last byte: the last plaintext (the envelope's end). Then summary() is complete.
    result<std::string_view> finish();
    // The sums and sizes so far; `archive` is set once finish() verified.
    const stream_summary& summary() const { return sum_; }

private:
    result<std::string_view> pass_on(std::string_view plain);

    std::optional<cms_decryptor> decryptor_;
    std::optional<archive_verifier> verifier_;
    sha256_hasher stored_sha_;
    sha256_hasher plain_sha_;
    std::string plain_;
    stream_summary sum_;
};

}  // namespace vk::snapshot

#endif
