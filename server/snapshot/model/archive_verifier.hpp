// The streaming verifier of a Vault raft snapshot (gzip of a tar holding meta.json, state.bin, SHA256SUMS,
// SHA256SUMS.sealed, in that order): a state machine fed the compressed bytes chunk by chunk as they arrive,
// so a bad snapshot is known the moment the download ends, with memory bounded whatever the size.
// Checks: the gzip stream ends cleanly (CRC, length) with nothing after it; tar headers have valid checksums;
// exactly the four entries, in order; meta.json parses and its Size is state.bin's size; SHA256SUMS lists
// meta.json and state.bin with their true SHA-256; SHA256SUMS.sealed is not empty; the tar ends with its zero
// blocks. (The sealed sums need the cluster's keys: only a restore can open them.)
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_ARCHIVE_VERIFIER_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_ARCHIVE_VERIFIER_HPP

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <string_view>

namespace vk::snapshot {

// What a verified archive says about itself.
struct archive_summary
{
    std::uint64_t index = 0;  // raft index and term of the snapshot (meta.json)
    std::uint64_t term = 0;
    std::uint64_t state_size = 0;        // state.bin bytes
    std::uint64_t compressed_bytes = 0;  // bytes fed
};

class archive_verifier
{
public:
    archive_verifier();
    ~archive_verifier();
    archive_verifier(const archive_verifier&) = delete;
    archive_verifier& operator=(const archive_verifier&) = delete;

    // Feeds the next compressed bytes. errc::bad_response with what is wrong as soon as it shows; after an
    // error every call returns it again.
    result<void> feed(std::string_view chunk);

    // The input ended: errc::bad_response if the archive is empty, truncated or incomplete.
    result<archive_summary> finish();

private:
    struct state;
    std::unique_ptr<state> st_;
};

}  // namespace vk::snapshot

#endif
