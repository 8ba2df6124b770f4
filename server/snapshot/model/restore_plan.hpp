// How a restore reaches Vault: through the spool (one pass: download, decrypt and verify into a file, then
// send the file) when the spool can hold what that writes, else in two passes with nothing on disk (verify a
// first download, then stream a second one into Vault, checked against the first pass's SHA-256).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RESTORE_PLAN_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RESTORE_PLAN_HPP

#include <cstdint>
#include <optional>
#include <string_view>

namespace vk::snapshot {

enum class restore_path
{
    one_pass,  // spooled: the stored file (and its plaintext when encrypted) on disk
    two_pass,  // streamed twice: nothing on disk
};

std::string_view to_string(restore_path p);

// Room kept free beside a one-pass restore's files (the file system's own needs, other jobs' spools).
inline constexpr std::uint64_t restore_spool_margin = 64ull << 20;

// What a one-pass restore of a stored object of `stored_size` bytes writes into the spool: the file, and as
// much again for the plaintext of an encrypted one (CMS adds bytes, never removes more than a block).
std::uint64_t spool_bytes_needed(std::uint64_t stored_size, bool encrypted);

// One pass when its files plus the margin fit in the smaller of the spool's free space and the job's
// restore_spool_limit (when set); two passes otherwise.
restore_path choose_restore_path(std::uint64_t stored_size, bool encrypted, std::uint64_t spool_free,
                                 std::optional<std::uint64_t> spool_limit);

}  // namespace vk::snapshot

#endif
