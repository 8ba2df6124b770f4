// A snapshot storage: where the snapshot job puts verified snapshots (local directory, S3, Azure Blob, GCS).
// Uploads stream from the spooled file so memory stays flat whatever the snapshot's size.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_STORAGE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_STORAGE_HPP

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace vk::snapshot {

// One stored snapshot as the storage lists it.
struct stored_snapshot
{
    std::string name;  // object name without the storage's key prefix ("raft-snapshot-20261130-120000.snap")
    std::uint64_t size = 0;
    std::chrono::system_clock::time_point time;  // last modified
    std::optional<std::string> sha256;           // hex, when the storage keeps it (object metadata / sidecar)
};

struct name_format;

// Takes a download piece by piece (the same signature as http::body_sink); an error ends the download.
using chunk_sink = std::function<boost::asio::awaitable<result<void>>(std::string_view chunk)>;

class snapshot_storage
{
public:
    virtual ~snapshot_storage() = default;

    // The configured storage name ("s3"), for logs, metrics labels and the API: never a secret.
    virtual const std::string& name() const noexcept = 0;

    // Makes the storage ready when the job starts (local: creates its directory, mode 0700, parents too).
    // Errors name the storage's path; the default has nothing to do.
    virtual result<void> prepare() { return {}; }

    // Uploads `file` (verified, complete) as `object`, recording its SHA-256; atomic for readers: a partial
    // upload is never listed as a snapshot (local: temp + rename, the sidecar after the snapshot; S3:
    // multipart completed last; Azure: block list committed last; GCS: one streamed PUT). Never replaces
    // an object already there (local: RENAME_NOREPLACE or link; S3 and Azure: If-None-Match: *; GCS:
    // x-goog-if-generation-match: 0): that is errc::conflict and the existing object stays as it was.
    virtual boost::asio::awaitable<result<void>> upload(std::filesystem::path file, std::string object,
                                                        std::string sha256_hex) = 0;

    // Every snapshot under the storage's prefix, following continuation tokens / markers to the end.
    virtual boost::asio::awaitable<result<std::vector<stored_snapshot>>> list() = 0;

    // `object` as list() shows it, or nullopt when the storage does not hold it. The default lists all.
    virtual boost::asio::awaitable<result<std::optional<stored_snapshot>>> find(std::string object);

    // Removes what an interrupted upload or removal left beside the snapshots `f` names (local: sidecars
    // whose snapshot is gone) and returns their names; the default has nothing to remove.
    virtual boost::asio::awaitable<result<std::vector<std::string>>> remove_orphans(name_format f);

    // Absent is success.
    virtual boost::asio::awaitable<result<void>> remove(std::string object) = 0;

    // Streams `object` into `to` (for restore and verification).
    virtual boost::asio::awaitable<result<void>> download(std::string object, std::filesystem::path to) = 0;

    // Streams `object` into `sink` with nothing on disk (restore's two passes); memory bounded by one
    // piece. not_found when the storage does not hold it; the sink's error ends it and is returned.
    virtual boost::asio::awaitable<result<void>> download_to(std::string object, chunk_sink sink) = 0;
};

}  // namespace vk::snapshot

#endif
