// What the cloud storages (S3/GCS and Azure Blob) share: their tunables, streaming a file region as a request
// body and a response body into a file (memory flat: one 64 KiB buffer), and turning an object store's
// non-2xx answer into a vk::error that names the operation, never a credential.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_OBJECT_STORE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_OBJECT_STORE_HPP

#include "core/error.hpp"
#include "http/client.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace vk::snapshot
{

struct object_store_options
{
    // Files up to this size go in one request; larger ones in parts (S3 multipart, Azure blocks) of this
    // size, grown when a file would need more than 10,000 parts.
    std::uint64_t part_size = 64ull << 20;
    // Per request without a body to stream; transfers have no total deadline, only the idle timeout.
    std::chrono::milliseconds request_timeout{60000};
    std::chrono::milliseconds idle_timeout{60000};
    // Objects per list request (S3 max-keys, Azure maxresults); 0 = the store's default (1,000 / 5,000).
    unsigned list_page_size = 0;
};

// `length` bytes of `file` from `offset`, read 64 KiB at a time; rewindable (retries re-read the region).
// errc::io_error when the file cannot be opened or is shorter than announced.
result<http::body_source>
file_region_source(const std::filesystem::path& file, std::uint64_t offset, std::uint64_t length);

// Writes a response body into a file created (truncated) at `to`. close() flushes and reports write errors;
// destroying an unclosed writer removes the partial file.
class file_writer
{
  public:
    static result<std::shared_ptr<file_writer>> create(std::filesystem::path to);
    ~file_writer();
    file_writer(const file_writer&) = delete;
    file_writer& operator=(const file_writer&) = delete;
    // A body_sink writing into this file (valid while the writer lives).
    http::body_sink sink();
    result<void> close();

  private:
    explicit file_writer(std::filesystem::path to, int fd) : path_(std::move(to)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
    bool closed_ = false;
};

// errc for an object store's HTTP status: 404 not_found, 401/403 permission_denied, 409/412 conflict,
// 429/503 rate_limited, other 5xx server_error, other 4xx bad_request.
errc status_errc(unsigned status);

// "<what>: HTTP <status> <Code from the XML body>" with the endpoint and object path; no header, no body text
// but the error code.
error reply_error(std::string_view what, const http::response& r, std::string endpoint, std::string path);

} // namespace vk::snapshot

#endif
