#include "keeper/kek_since_file.hpp"

#include "core/read_file.hpp"
#include "io/atomic_file.hpp"
#include "keeper/model/kek_ring.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vk::keeper {

std::string kek_since_path(const std::string& state_dir, const std::string& job)
{
    return state_dir + "/" + job + ".kek-since";
}

result<std::map<std::string, std::int64_t>> load_old_kek_since(const std::string& path)
{
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT)
        return std::map<std::string, std::int64_t>{};
    auto text = read_file(path);
    if (!text)
        return make_error(errc::io_error, "cannot read the old-kek times", {}, path);
    auto since = decode_old_kek_since(*text);
    if (!since)
        return make_error(errc::bad_response, "the old-kek times: " + since.error().message, {}, path);
    return since;
}

result<void> save_old_kek_since(const std::string& path, const std::map<std::string, std::int64_t>& since)
{
    auto dir = std::filesystem::path(path).parent_path();
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return make_error(errc::io_error, std::string("create directory: ") + std::strerror(errno), {},
                          dir.string());
    auto f = io::atomic_file::create(path, path + ".tmp-" + std::to_string(::getpid()));
    if (!f)
        return f.error();
    if (auto w = f->write(encode_old_kek_since(since)); !w)
        return w.error();
    return f->publish();
}

}  // namespace vk::keeper
