#include "keeper/file_store.hpp"

#include "core/sealed_blob.hpp"
#include "io/atomic_file.hpp"
#include "keeper/model/object_version.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vk::keeper {
namespace asio = boost::asio;

namespace {

constexpr std::string_view temp_prefix = ".tmp-";

class file_store final : public shard_store
{
public:
    file_store(file_store_settings s, std::shared_ptr<object_sealer> sealer)
        : s_(std::move(s)),
          sealer_(std::move(sealer))
    {
    }

    const std::string& name() const noexcept override { return s_.name; }
    bool supports_cas() const noexcept override { return true; }
    std::shared_ptr<object_sealer> sealer() const override { return sealer_; }

    // The directory exists (created 0700 when absent), takes a durable write, and every object opens with
    // the configured key.
    asio::awaitable<result<void>> check() override
    {
        if (::mkdir(s_.path.c_str(), 0700) != 0 && errno != EEXIST)
            co_return io("create directory", "", errno);
        const std::string probe = "keeper-probe";
        if (auto p = co_await put(probe, "probe", std::nullopt); !p)
            co_return p.error();
        if (auto r = remove_now(probe, std::nullopt); !r)
            co_return r.error();
        auto names = list_now();
        if (!names)
            co_return names.error();
        for (const auto& n : *names)
            if (auto g = co_await get(n); !g)
                co_return g.error();
        co_return result<void>();
    }

    asio::awaitable<result<stored_object>> get(std::string name) override
    {
        auto raw = co_await get_raw(name);
        if (!raw)
            co_return raw.error();
        auto opened = co_await sealer_->open(name, std::move(raw->bytes));
        if (!opened)
            co_return ours(opened.error());
        co_return stored_object{name, std::move(opened->plaintext), std::move(raw->version),
                                opened->needs_rewrite(), opened->wrap_version};
    }

    asio::awaitable<result<raw_object>> get_raw(std::string name) override
    {
        if (auto v = valid(name); !v)
            co_return v.error();
        auto raw = read_raw(name);
        if (!raw)
            co_return raw.error();
        auto version = sha256_hex(*raw);
        co_return raw_object{std::move(*raw), std::move(version)};
    }

    asio::awaitable<result<std::string>> put_raw(std::string name, std::string sealed,
                                                 std::optional<std::string> expected_version) override
    {
        if (auto v = valid(name); !v)
            co_return v.error();
        co_return write_now(name, sealed, expected_version);
    }

    asio::awaitable<result<std::string>> put(std::string name, std::string data,
                                             std::optional<std::string> expected_version) override
    {
        if (auto v = valid(name); !v)
            co_return v.error();
        // Sealed first (a transit wrap is a Vault call): the version check and the rename that follow run
        // without a suspension.
        auto sealed = co_await sealer_->seal(name, std::move(data));
        if (!sealed)
            co_return ours(sealed.error());
        co_return co_await put_raw(name, std::move(*sealed), std::move(expected_version));
    }

    asio::awaitable<result<void>> remove(std::string name,
                                         std::optional<std::string> expected_version) override
    {
        co_return remove_now(name, expected_version);
    }

    asio::awaitable<result<std::vector<std::string>>> list() override { co_return list_now(); }

private:
    std::string path_of(std::string_view name) const { return s_.path + "/" + std::string(name); }

    error io(std::string what, std::string_view name, int err) const
    {
        auto e = make_error(errc::io_error, "store " + s_.name + ": " + what + ": " + std::strerror(err));
        e.path = name.empty() ? s_.path : path_of(name);
        return e;
    }

    result<void> valid(std::string_view name) const
    {
        if (!valid_object_name(name))
            return make_error(errc::invalid_argument, "store " + s_.name + ": invalid object name");
        return {};
    }

    // The raw file bytes; not_found when absent.
    result<std::string> read_raw(std::string_view name) const
    {
        const io::unique_fd f(::open(path_of(name).c_str(), O_RDONLY | O_CLOEXEC));
        if (!f)
        {
            if (errno == ENOENT)
                return make_error(errc::not_found, "store " + s_.name + ": no object " + std::string(name));
            return io("open", name, errno);
        }
        std::string out;
        char buf[8192];
        for (;;)
        {
            auto n = ::read(f.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return io("read", name, errno);
            if (n == 0)
                break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }

    // An error of the shared file code, said to be this store's.
    error ours(error e) const
    {
        e.message = "store " + s_.name + ": " + e.message;
        return e;
    }

    result<void> sync_dir() const
    {
        if (auto d = io::sync_directory(s_.path); !d)
            return ours(d.error());
        return {};
    }

    // The current version ("" when absent) must be `expected` when one is given.
    result<void> check_version(std::string_view name, const std::optional<std::string>& expected) const
    {
        if (!expected)
            return {};
        auto raw = read_raw(name);
        if (!raw && !raw.error().is(errc::not_found))
            return raw.error();
        std::string current = raw ? sha256_hex(*raw) : "";
        if (current != *expected)
            return make_error(errc::conflict, "store " + s_.name + ": object " + std::string(name) +
                                                  " changed since it was read");
        return {};
    }

    result<std::string> write_now(const std::string& name, const std::string& sealed,
                                  const std::optional<std::string>& expected) const
    {
        if (auto c = check_version(name, expected); !c)
            return c.error();
        static std::atomic<unsigned> counter{0};
        std::string temp = path_of(std::string(temp_prefix) + name + "-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(counter++));
        auto f = io::atomic_file::create(path_of(name), temp);
        if (!f)
            return ours(f.error());
        if (auto w = f->write(sealed); !w)
            return ours(w.error());
        if (auto p = f->publish(); !p)
            return ours(p.error());
        return sha256_hex(sealed);
    }

    result<void> remove_now(const std::string& name, const std::optional<std::string>& expected) const
    {
        if (auto v = valid(name); !v)
            return v.error();
        if (auto c = check_version(name, expected); !c)
            return c.error();
        if (::unlink(path_of(name).c_str()) != 0)
            return errno == ENOENT ? result<void>() : result<void>(io("unlink", name, errno));
        return sync_dir();
    }

    // Names of the objects; temp files of interrupted writes are removed on the way.
    result<std::vector<std::string>> list_now() const
    {
        std::unique_ptr<DIR, decltype(&::closedir)> d(::opendir(s_.path.c_str()), ::closedir);
        if (!d)
            return io("open directory", "", errno);
        std::vector<std::string> out;
        while (auto* e = ::readdir(d.get()))
        {
            std::string n = e->d_name;
            if (n.starts_with(temp_prefix))
                ::unlink(path_of(n).c_str());
            else if (valid_object_name(n))
                out.push_back(std::move(n));
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    file_store_settings s_;
    std::shared_ptr<object_sealer> sealer_;
};

}  // namespace

std::shared_ptr<shard_store> make_file_store(const file_store_settings& settings,
                                             std::shared_ptr<object_sealer> sealer)
{
    if (!sealer)
        sealer = ring_sealer(settings.kek);
    return std::make_shared<file_store>(settings, std::move(sealer));
}

}  // namespace vk::keeper
