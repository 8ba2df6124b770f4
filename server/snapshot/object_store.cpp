// Streaming helpers and reply errors shared by the cloud storages (see object_store.hpp).
#include "snapshot/object_store.hpp"
#include "io/errno_error.hpp"
#include "snapshot/part_sender.hpp"

#include "core/upstream_status.hpp"

#include "cloud/model/xml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vk::snapshot {

namespace asio = boost::asio;
namespace xml = cloud::xml;

namespace {

// A coroutine returning a value already known: body_source/body_sink callbacks do their (blocking, local)
// file I/O synchronously and hand the outcome back through this.
template <class T> asio::awaitable<T> ready(T value)
{
    co_return value;
}

// The state of one region being sent: the fd and the read position. Shared by the source's callbacks.
struct region_reader
{
    io::unique_fd fd;
    std::filesystem::path path;
    std::uint64_t offset = 0, length = 0, done = 0;
    std::string buffer = std::string(64 * 1024, '\0');

    result<std::string_view> next()
    {
        std::uint64_t want = std::min<std::uint64_t>(buffer.size(), length - done);
        if (want == 0)
            return std::string_view();
        ssize_t n = ::pread(fd.get(), buffer.data(), want, static_cast<off_t>(offset + done));
        if (n < 0)
            return io::errno_error("reading", path);
        if (n == 0)
            return make_error(errc::io_error, "file shorter than expected", {}, path.string());
        done += static_cast<std::uint64_t>(n);
        return std::string_view(buffer.data(), static_cast<std::size_t>(n));
    }
};

}  // namespace

result<http::body_source> file_region_source(const std::filesystem::path& file, std::uint64_t offset,
                                             std::uint64_t length)
{
    auto r = std::make_shared<region_reader>();
    r->fd.reset(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!r->fd)
        return io::errno_error("opening", file);
    r->path = file;
    r->offset = offset;
    r->length = length;
    http::body_source src;
    src.length = length;
    src.next = [r] { return ready(r->next()); };
    src.rewind = [r] {
        r->done = 0;
        return true;
    };
    return src;
}

result<std::shared_ptr<file_writer>> file_writer::create(std::filesystem::path to)
{
    io::unique_fd fd(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd)
        return io::errno_error("creating", to);
    return std::shared_ptr<file_writer>(new file_writer(std::move(to), std::move(fd)));
}

file_writer::~file_writer()
{
    fd_.reset();
    if (!closed_)
    {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
}

http::body_sink file_writer::sink()
{
    return [this](std::string_view chunk) { return disk_.add(chunk); };
}

result<void> file_writer::write_all(std::string_view bytes)
{
    while (!bytes.empty())
    {
        const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return io::errno_error("writing", path_);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

asio::awaitable<result<void>> file_writer::close()
{
    auto r = co_await disk_.finish([this]() -> result<void> {
        io::unique_fd fd = std::move(fd_);
        if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0)
            return io::errno_error("writing", path_);
        return {};
    });
    closed_ = static_cast<bool>(r);
    co_return r;
}

asio::awaitable<result<void>> object_storage::upload(std::filesystem::path file, std::string object,
                                                     std::string sha256_hex)
{
    std::error_code ec;
    auto size = std::filesystem::file_size(file, ec);
    if (ec)
        co_return make_error(errc::io_error, "reading the snapshot: " + ec.message(), {}, file.string());
    result<void> done;
    if (size <= opts_.part_size)
    {
        // One part: retried alone like any part.
        send_part_fn put = [&](std::uint64_t) -> asio::awaitable<result<std::string>> {
            object_call call;
            call.path = object_path(object);
            call.headers = whole_object_headers(sha256_hex);
            for (auto& h : create_only_headers())
                call.headers.push_back(std::move(h));
            auto r = co_await put_region(file, 0, size, std::move(call), "put");
            if (!r)
                co_return r.error();
            co_return std::string();
        };
        auto r = co_await send_parts_parallel(1, 1, put);
        if (!r)
            done = r.error();
    }
    else
        done = co_await put_parts(file, object, sha256_hex, size);
    // 409/412: the precondition refused the write, an object of that name is there already.
    if (!done && done.error().is(errc::conflict))
    {
        auto e = done.error();
        e.message = "\"" + object + "\" already exists; not overwritten (" + e.message + ")";
        co_return e;
    }
    co_return done;
}

asio::awaitable<result<void>> object_storage::remove(std::string object)
{
    object_call call;
    call.method = "DELETE";
    call.path = object_path(object);
    auto r = co_await send(std::move(call), "delete");
    if (!r && !r.error().is(errc::not_found))
        co_return r.error();
    co_return result<void>{};
}

asio::awaitable<result<void>> object_storage::download(std::string object, std::filesystem::path to)
{
    auto writer = file_writer::create(to);
    if (!writer)
        co_return writer.error();
    if (auto r = co_await download_to(std::move(object), (*writer)->sink()); !r)
        co_return r;
    co_return co_await (*writer)->close();
}

asio::awaitable<result<void>> object_storage::download_to(std::string object, chunk_sink sink)
{
    object_call call;
    call.path = object_path(object);
    call.download = std::move(sink);
    auto r = co_await send(std::move(call), "download");
    if (!r)
        co_return r.error();
    co_return result<void>{};
}

asio::awaitable<result<http::response>> object_storage::put_region(const std::filesystem::path& file,
                                                                   std::uint64_t offset, std::uint64_t length,
                                                                   object_call call, std::string_view what)
{
    auto src = file_region_source(file, offset, length);
    if (!src)
        co_return src.error();
    call.method = "PUT";
    call.upload = std::move(*src);
    co_return co_await send(std::move(call), what);
}

result<http::client*> object_storage::client(const std::string& base_url)
{
    if (client_)
        return client_.get();
    http::client_params p;
    p.base_url = base_url;
    p.timeout = opts_.request_timeout;
    p.idle_timeout = opts_.idle_timeout;
    p.tls = opts_.tls;
    // Every part in flight holds a connection of its own.
    p.max_connections = std::max<std::size_t>(p.max_connections, opts_.upload_concurrency);
    auto c = http::client::create(ex_, std::move(p));
    if (!c)
        return c.error();
    client_ = std::move(*c);
    return client_.get();
}

asio::awaitable<result<http::response>> object_storage::perform(http::client_request& req,
                                                                std::string_view what,
                                                                const std::string& endpoint, std::string path)
{
    if (req.upload || req.download)
        req.timeout = std::chrono::milliseconds(0);
    if (req.download || req.upload)
        req.idempotent = false;
    auto r = co_await client_->send(req);
    if (!r)
        co_return r.error();
    if (r->status / 100 != 2)
        co_return reply_error(name() + ": " + std::string(what), *r, endpoint, std::move(path));
    co_return r;
}

errc status_errc(unsigned status)
{
    // S3 answers 503 SlowDown when throttling; the rest is the common map.
    return status == 503 ? errc::rate_limited : upstream_errc(status);
}

error reply_error(std::string_view what, const http::response& r, std::string endpoint, std::string path)
{
    auto code = xml::error_code(r.body);
    auto e = make_error(status_errc(r.status),
                        std::string(what) + ": HTTP " + std::to_string(r.status) + (code ? " " + *code : ""),
                        std::move(endpoint), std::move(path));
    e.status = r.status;
    return e;
}

}  // namespace vk::snapshot
