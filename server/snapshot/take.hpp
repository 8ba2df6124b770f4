// Taking a snapshot: GET sys/storage/raft/snapshot streamed into the spool (optionally CMS-encrypted) while
// the archive verifier checks every byte; a file that fails verification never leaves the spool. And the
// same verifier over a stored file, for restores.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_TAKE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_TAKE_HPP

#include "snapshot/model/archive_verifier.hpp"
#include "snapshot/model/cms_decryptor.hpp"
#include "snapshot/model/settings.hpp"
#include "snapshot/spool_writer.hpp"
#include "vault/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace vk::snapshot {

struct taken_snapshot
{
    spooled_file file;  // in spool_dir, published under `name`; the caller removes it when done
    archive_summary archive;
};

// Spools into `spool` (created if missing; one per job, so jobs sharing a spool_dir never collide).
// Errors: the Vault/transport errors of the download, bad_response from the verifier (empty, truncated,
// inconsistent), io_error / invalid_argument from the spool. Nothing is left in the spool on error.
boost::asio::awaitable<result<taken_snapshot>> take_snapshot(vault::client& node, const snapshot_settings& s,
                                                             std::filesystem::path spool, std::string name);

// Creates the directory (and its parents) if missing.
result<void> ensure_dir(const std::filesystem::path& dir);

struct verified_file
{
    archive_summary archive;
    std::string sha256;  // of the whole file
};

// What opens an encrypted stored file, and where its plaintext goes.
struct decryption
{
    std::shared_ptr<const cms_recipient> recipient;
    std::filesystem::path plain;
};

// Hashes the file and feeds it through the verifier, reading in slices and yielding between them. With
// `decrypt`, the file is a CMS envelope: the hash is the stored file's, the verifier gets the plaintext,
// which is written to decrypt->plain in the same pass (bad_response when it does not open).
boost::asio::awaitable<result<verified_file>> verify_file(std::filesystem::path file,
                                                          std::optional<decryption> decrypt = std::nullopt);

}  // namespace vk::snapshot

#endif
