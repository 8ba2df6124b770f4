// The local directory storage (see local_storage.hpp).
#include "snapshot/local_storage.hpp"

#include "snapshot/atomic_file.hpp"

#include <fstream>

namespace vk::snapshot {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view sidecar_suffix = ".sha256";

class local_storage final : public snapshot_storage
{
public:
    explicit local_storage(local_storage_settings s)
        : s_(std::move(s))
    {
    }

    const std::string& name() const noexcept override { return s_.name; }

    asio::awaitable<result<void>> upload(fs::path file, std::string object, std::string sha256_hex) override
    {
        const auto to = fs::path(s_.path) / object;
        if (auto r = write_file_atomically(sidecar(to), sha256_hex + "  " + object + "\n"); !r)
            co_return r;
        co_return co_await copy_file_atomically(file, to);
    }

    asio::awaitable<result<std::vector<stored_snapshot>>> list() override { co_return list_now(); }

    asio::awaitable<result<void>> remove(std::string object) override
    {
        const auto p = fs::path(s_.path) / object;
        std::error_code ec;
        fs::remove(p, ec);
        if (!ec)
            fs::remove(sidecar(p), ec);
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

private:
    static fs::path sidecar(const fs::path& p) { return fs::path(p.string() + std::string(sidecar_suffix)); }

    static std::optional<std::string> read_sum(const fs::path& p)
    {
        std::ifstream in(sidecar(p));
        std::string sum;
        if (in >> sum && sum.size() == 64)
            return sum;
        return std::nullopt;
    }

    result<std::vector<stored_snapshot>> list_now() const
    {
        std::error_code ec;
        std::vector<stored_snapshot> out;
        for (fs::directory_iterator it(s_.path, ec), end; !ec && it != end; it.increment(ec))
        {
            const auto name = it->path().filename().string();
            if (name.starts_with(".") || name.ends_with(sidecar_suffix) || !it->is_regular_file())
                continue;
            std::error_code size_ec, time_ec;
            stored_snapshot s{name, it->file_size(size_ec), {}, read_sum(it->path())};
            const auto mtime = it->last_write_time(time_ec);
            if (size_ec || time_ec)
                continue;  // removed while listing
            s.time = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
                std::chrono::file_clock::to_sys(mtime));
            out.push_back(std::move(s));
        }
        if (ec)
            return make_error(errc::io_error, "list: " + ec.message(), {}, s_.path);
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
