// What the cloud storages (S3/GCS and Azure Blob) share: their tunables, the upload / delete / download
// skeleton, streaming a file region as a request body and a response body into a file (memory flat: one
// 64 KiB buffer), and turning an object store's non-2xx answer into a vk::error that names the operation,
// never a credential.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_OBJECT_STORE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_OBJECT_STORE_HPP

#include "core/error.hpp"
#include "http/client.hpp"
#include "io/unique_fd.hpp"
#include "snapshot/disk_batch.hpp"
#include "snapshot/snapshot_storage.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vk::snapshot {

struct object_store_options
{
    // Files up to this size go in one request; larger ones in parts (S3 multipart, Azure blocks) of this
    // size, clamped to the service's part limits and grown when a file would need more parts than it takes
    // (model/part_plan).
    std::uint64_t part_size = 64ull << 20;
    // Parts in flight at once (1..16), each streamed from its region of the file with its own 64 KiB buffer
    // and connection: memory is upload_concurrency x (buffer + connection), whatever the object's size.
    unsigned upload_concurrency = 4;
    // Per request without a body to stream; transfers have no total deadline, only the idle timeout.
    std::chrono::milliseconds request_timeout{60000};
    std::chrono::milliseconds idle_timeout{60000};
    // Objects per list request (S3 max-keys, Azure maxresults); 0 = the store's default (1,000 / 5,000).
    unsigned list_page_size = 0;
    // S3 / GCS: list() reads the SHA-256 of the newest objects with a HEAD each (a snapshot's listing
    // shows them); false lists names only (the keeper's shard stores, which list every cycle).
    bool list_sums = true;
    http::tls_client_options tls;  // the store's https endpoint (a private CA: ca_file)
};

// `length` bytes of `file` from `offset`, read 64 KiB at a time; rewindable (retries re-read the region).
// errc::io_error when the file cannot be opened or is shorter than announced.
result<http::body_source> file_region_source(const std::filesystem::path& file, std::uint64_t offset,
                                             std::uint64_t length);

// Writes a response body into a file created (truncated) at `to`. close() flushes and reports write errors;
// destroying an unclosed writer removes the partial file.
class file_writer
{
public:
    static result<std::shared_ptr<file_writer>> create(std::filesystem::path to);
    ~file_writer();
    file_writer(const file_writer&) = delete;
    file_writer& operator=(const file_writer&) = delete;
    // A body_sink writing into this file through a disk_batch (valid while the writer lives).
    http::body_sink sink();
    // Writes the rest and fsyncs, on the blocking pool; the file stays only once this succeeded.
    boost::asio::awaitable<result<void>> close();

private:
    explicit file_writer(std::filesystem::path to, io::unique_fd fd)
        : path_(std::move(to)),
          fd_(std::move(fd))
    {
    }
    result<void> write_all(std::string_view bytes);

    std::filesystem::path path_;
    io::unique_fd fd_;
    bool closed_ = false;
    disk_batch disk_{[this](std::string_view bytes) { return write_all(bytes); }};
};

using fields = std::vector<std::pair<std::string, std::string>>;

// One request to an object store before the storage signs it.
struct object_call
{
    std::string method = "GET";
    std::string path;  // what the storage addresses: S3 the object key ("" = the bucket), Azure the URL path
    fields query;      // decoded
    fields headers;
    std::string body;
    std::optional<http::body_source> upload;
    http::body_sink download;
};

// What S3/GCS and Azure storages share: the upload decision (one request up to the part size, parts above
// it; never over an existing object: a refused precondition is errc::conflict naming the object), delete
// (absent is success) and download (streamed into a file removed again on failure). A storage supplies the
// signing transport, its precondition and its two upload paths.
class object_storage : public snapshot_storage
{
public:
    boost::asio::awaitable<result<void>> upload(std::filesystem::path file, std::string object,
                                                std::string sha256_hex) override;
    boost::asio::awaitable<result<void>> remove(std::string object) override;
    boost::asio::awaitable<result<void>> download(std::string object, std::filesystem::path to) override;
    boost::asio::awaitable<result<void>> download_to(std::string object, chunk_sink sink) override;

    // The signing transport, public because the keeper's object shard stores (keeper/object_shard_store)
    // send their conditional requests through it: one SigV4 / Shared Key / bearer implementation.
    // Signs and sends; a non-2xx answer is an error naming `what`.
    virtual boost::asio::awaitable<result<http::response>> send(object_call call, std::string_view what) = 0;
    // object_call::path of an object.
    virtual std::string object_path(const std::string& object) const = 0;
    // The headers of an object sent whole (metadata with the SHA-256, type, encryption).
    virtual fields whole_object_headers(const std::string& sha256_hex) const = 0;

protected:
    object_storage(boost::asio::any_io_executor ex, object_store_options o)
        : opts_(o),
          ex_(std::move(ex))
    {
    }

    // The precondition that makes a write fail instead of replacing an existing object (on the single PUT
    // and on the request that commits the parts).
    virtual fields create_only_headers() const = 0;
    virtual boost::asio::awaitable<result<void>> put_parts(const std::filesystem::path& file,
                                                           const std::string& object,
                                                           const std::string& sha256_hex,
                                                           std::uint64_t size) = 0;

    // Sends `call` (method PUT) with `length` bytes of `file` from `offset` as its streamed body, once (the
    // client does not retry a streamed body: send_parts_parallel retries a region alone).
    boost::asio::awaitable<result<http::response>> put_region(const std::filesystem::path& file,
                                                              std::uint64_t offset, std::uint64_t length,
                                                              object_call call, std::string_view what);

    // The HTTP client for base_url, made at first use.
    result<http::client*> client(const std::string& base_url);
    // Sends a signed request: transfers get no total deadline (the idle timeout guards them), downloads no
    // retry (bytes already in the file would be written twice), uploads no retry by the client (its budget
    // runs from the first attempt, so a large region failing late would never be sent again:
    // send_parts_parallel retries each region instead); a non-2xx answer is an error naming `what`.
    boost::asio::awaitable<result<http::response>> perform(http::client_request& req, std::string_view what,
                                                           const std::string& endpoint, std::string path);

    object_store_options opts_;

private:
    boost::asio::any_io_executor ex_;
    std::unique_ptr<http::client> client_;
};

// errc for an object store's HTTP status: 404 not_found, 401/403 permission_denied, 409/412 conflict,
// 429/503 rate_limited, other 5xx server_error, other 4xx bad_request.
errc status_errc(unsigned status);

// "<what>: HTTP <status> <Code from the XML body>" with the endpoint and object path; no header, no body text
// but the error code.
error reply_error(std::string_view what, const http::response& r, std::string endpoint, std::string path);

}  // namespace vk::snapshot

#endif
