// The local directory storage (see local_storage.hpp).
#include "snapshot/local_storage.hpp"
#include "io/errno_error.hpp"
#include "io/unique_fd.hpp"

#include "core/read_file.hpp"
#include "snapshot/model/sidecar.hpp"
#include "snapshot/publish_file.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vk::snapshot {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// mkdir -p with mode 0700 for every folder it creates (existing ones keep theirs).
result<void> make_private_dirs(const fs::path& dir)
{
    fs::path p;
    for (const auto& part : dir)
    {
        p /= part;
        if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST)
            return io::errno_error("cannot create the storage directory", p);
    }
    struct stat st
    {
    };
    if (::stat(dir.c_str(), &st) != 0)
        return io::errno_error("cannot create the storage directory", dir);
    if (!S_ISDIR(st.st_mode))
        return make_error(errc::io_error, "the storage path is not a directory", {}, dir.string());
    return {};
}

// What a snapshot's sidecar records, if it records anything.
std::optional<std::string> read_sum(const fs::path& snapshot)
{
    return parse_sidecar(read_file(snapshot.string() + std::string(sidecar_suffix)).value_or(""));
}

// A snapshot file as the storage shows it, from its stat.
stored_snapshot describe(const fs::path& p, const struct stat& st)
{
    stored_snapshot s{p.filename().string(), static_cast<std::uint64_t>(st.st_size), {}, read_sum(p)};
    s.time =
        std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    return s;
}

// Names the storage never shows as snapshots: temp files, sidecars, path tricks.
bool hidden(std::string_view name)
{
    return name.empty() || name.starts_with(".") || name.ends_with(sidecar_suffix) ||
           name.find('/') != std::string_view::npos;
}

class local_storage final : public snapshot_storage
{
public:
    explicit local_storage(local_storage_settings s)
        : s_(std::move(s))
    {
    }

    const std::string& name() const noexcept override { return s_.name; }

    result<void> prepare() override { return make_private_dirs(s_.path); }

    asio::awaitable<result<void>> upload(fs::path file, std::string object, std::string sha256_hex) override
    {
        std::error_code ec;
        if (!fs::is_directory(s_.path, ec))
            co_return make_error(
                errc::io_error,
                "the storage directory is missing or not a directory (it is created at start-up only)", {},
                s_.path);
        const auto to = fs::path(s_.path) / object;
        // The snapshot first, never over an existing file; its sidecar last, so a failed copy leaves none.
        if (auto r = co_await copy_file_atomically(file, to, on_existing::refuse); !r)
            co_return r;
        auto sidecar = write_file_atomically(sidecar_path(to), sidecar_text(sha256_hex, object));
        if (!sidecar)
        {
            // A failed upload stores nothing: the snapshot goes again.
            std::error_code ignored;
            fs::remove(to, ignored);
        }
        co_return sidecar;
    }

    asio::awaitable<result<std::vector<stored_snapshot>>> list() override { co_return list_now(); }

    asio::awaitable<result<std::optional<stored_snapshot>>> find(std::string object) override
    {
        // A stat, not a listing: whatever the directory's state, an absent name is simply not held.
        const auto p = fs::path(s_.path) / object;
        struct stat st
        {
        };
        if (hidden(object))
            co_return std::optional<stored_snapshot>();
        if (::stat(p.c_str(), &st) != 0)
        {
            if (errno == ENOENT || errno == ENOTDIR)
                co_return std::optional<stored_snapshot>();
            co_return io::errno_error("stat", p);
        }
        if (!S_ISREG(st.st_mode))
            co_return std::optional<stored_snapshot>();
        co_return std::optional<stored_snapshot>(describe(p, st));
    }

    asio::awaitable<result<std::vector<std::string>>> remove_orphans(name_format f) override
    {
        auto files = entries();
        if (!files)
            co_return files.error();
        auto orphans = orphan_sidecars(*files, f);
        for (const auto& o : orphans)
        {
            std::error_code ec;
            fs::remove(fs::path(s_.path) / o, ec);
            if (ec)
                co_return make_error(errc::io_error, "remove: " + ec.message(), {},
                                     (fs::path(s_.path) / o).string());
        }
        co_return orphans;
    }

    asio::awaitable<result<void>> remove(std::string object) override
    {
        // The snapshot before its sidecar: an interruption leaves an orphan sidecar (removed later), never a
        // snapshot that lost its recorded SHA-256.
        const auto p = fs::path(s_.path) / object;
        std::error_code ec;
        fs::remove(p, ec);
        if (!ec)
            fs::remove(sidecar_path(p), ec);
        if (ec)
            co_return make_error(errc::io_error, "remove: " + ec.message(), {}, p.string());
        co_return result<void>{};
    }

    asio::awaitable<result<void>> download(std::string object, fs::path to) override
    {
        const auto from = fs::path(s_.path) / object;
        if (!fs::exists(from))
            co_return make_error(errc::not_found, "no such snapshot", {}, from.string());
        co_return co_await copy_file_atomically(from, to);
    }

    asio::awaitable<result<void>> download_to(std::string object, chunk_sink sink) override
    {
        const auto from = fs::path(s_.path) / object;
        io::unique_fd fd(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
        {
            if (errno == ENOENT)
                co_return make_error(errc::not_found, "no such snapshot", {}, from.string());
            co_return io::errno_error("open", from);
        }
        std::string buf(1 << 20, '\0');
        auto ex = co_await asio::this_coro::executor;
        for (;;)
        {
            const auto n = ::read(fd.get(), buf.data(), buf.size());
            if (n < 0)
                co_return io::errno_error("read", from);
            if (n == 0)
                co_return result<void>{};
            if (auto r = co_await sink(std::string_view(buf.data(), static_cast<std::size_t>(n))); !r)
                co_return r;
            co_await asio::post(ex, asio::use_awaitable);  // a sink that only hashes never yields itself
        }
    }

private:
    static fs::path sidecar_path(const fs::path& p)
    {
        return p.parent_path() / sidecar_name(p.filename().string());
    }

    // Every name in the directory.
    result<std::vector<std::string>> entries() const
    {
        std::error_code ec;
        std::vector<std::string> out;
        for (fs::directory_iterator it(s_.path, ec), end; !ec && it != end; it.increment(ec))
            out.push_back(it->path().filename().string());
        if (ec)
            return make_error(errc::io_error, "list: " + ec.message(), {}, s_.path);
        return out;
    }

    result<std::vector<stored_snapshot>> list_now() const
    {
        auto files = entries();
        if (!files)
            return files.error();
        std::vector<stored_snapshot> out;
        for (const auto& name : *files)
        {
            const auto p = fs::path(s_.path) / name;
            struct stat st
            {
            };
            if (hidden(name) || ::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
                continue;  // not a snapshot, or removed while listing
            out.push_back(describe(p, st));
        }
        return out;
    }

    local_storage_settings s_;
};

}  // namespace

std::unique_ptr<snapshot_storage> make_local_storage(const local_storage_settings& s)
{
    return std::make_unique<local_storage>(s);
}

}  // namespace vk::snapshot
