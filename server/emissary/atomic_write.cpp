// The atomic write sequence with POSIX calls; every failure names its step and the path, never the bytes.
#include "emissary/atomic_write.hpp"

#include "core/test_point.hpp"

#include "core/read_file.hpp"
#include "io/atomic_file.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace vk::emissary {
namespace {

error io_failure(const std::string& step, const std::string& path, int err = errno)
{
    return make_error(errc::io_error, step + ": " + std::strerror(err), {}, path);
}

bool all_digits(const std::string& s)
{
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// A user or group by name or numeric id; -1 (unchanged) when empty. `lookup` is getpwnam_r or getgrnam_r.
template <class Id, class Entry, class Lookup>
result<Id> id_of(const std::string& name, const char* what, Lookup lookup, Id Entry::*field)
{
    if (name.empty())
        return static_cast<Id>(-1);
    if (all_digits(name))
    {
        Id id{};
        const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
        if (ec != std::errc{} || end != name.data() + name.size())
            return make_error(errc::invalid_argument,
                              std::string(what) + " id \"" + name + "\" is out of range");
        return id;
    }
    std::vector<char> buf(16384);
    Entry entry{};
    Entry* found = nullptr;
    if (lookup(name.c_str(), &entry, buf.data(), buf.size(), &found) != 0 || !found)
        return make_error(errc::invalid_argument, std::string("no such ") + what + " \"" + name + "\"");
    return found->*field;
}

struct owner
{
    uid_t uid;
    gid_t gid;
};

result<owner> owner_of(const std::string& user, const std::string& group_name)
{
    auto u = id_of(user, "user", ::getpwnam_r, &passwd::pw_uid);
    if (!u)
        return u.error();
    auto g = id_of(group_name, "group", ::getgrnam_r, &group::gr_gid);
    if (!g)
        return g.error();
    return owner{*u, *g};
}

result<owner> owner_of(const file_target& t)
{
    return owner_of(t.user, t.group);
}

bool chown_asked(const owner& o)
{
    return o.uid != static_cast<uid_t>(-1) || o.gid != static_cast<gid_t>(-1);
}

// true when the file exists with these bytes, this mode and (where asked) this owner.
bool same(const file_target& t, std::string_view bytes, const owner& o)
{
    struct stat st
    {
    };
    if (::stat(t.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    if ((st.st_mode & 07777) != t.perms || static_cast<std::size_t>(st.st_size) != bytes.size())
        return false;
    if ((o.uid != static_cast<uid_t>(-1) && st.st_uid != o.uid) ||
        (o.gid != static_cast<gid_t>(-1) && st.st_gid != o.gid))
        return false;
    auto now = read_file(t.path);
    return now && *now == bytes;
}

std::string dir_of(const std::string& path)
{
    auto slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

// Fills the temp file: owner and mode first (no secret byte ever sits in a file others could read), then
// the bytes and fsync.
result<void> fill(io::atomic_file& f, const file_target& t, std::string_view bytes, const owner& o)
{
    const std::string tmp = f.temp_path();
    if (chown_asked(o) && ::fchown(f.fd(), o.uid, o.gid) != 0)
        return io_failure("chown", tmp);
    if (::fchmod(f.fd(), t.perms) != 0)
        return io_failure("chmod", tmp);
    const std::size_t half = bytes.size() / 2;
    if (auto w = f.write(bytes.substr(0, half)); !w)
        return w;
    test_point("emissary-write-half");  // a test build may pause here, to kill the daemon mid-write
    if (auto w = f.write(bytes.substr(half)); !w)
        return w;
    return f.sync();
}

result<void> backup(const file_target& t)
{
    const std::string bak = t.path + ".bak";
    ::unlink(bak.c_str());
    if (::link(t.path.c_str(), bak.c_str()) != 0 && errno != ENOENT)
        return io_failure("backup", bak);
    return {};
}

// Creates the missing directories of `dir`, top down: each made 0700 (nobody else can enter it meanwhile),
// given its owner, then exactly `dir_perms` (mkdir's mode is filtered by the umask, chmod's is not).
// Directories that exist, or that another process creates meanwhile, are left as they are.
result<void> make_dirs(const std::string& dir, const file_target& t)
{
    std::vector<std::string> missing;
    struct stat st
    {
    };
    for (std::string d = dir; d.size() > 1 && d.front() == '/' && ::stat(d.c_str(), &st) != 0; d = dir_of(d))
        missing.push_back(d);
    if (missing.empty())
        return {};
    auto o = owner_of(t.dir_user, t.dir_group);
    if (!o)
        return make_error(o.error().code, "directory owner: " + o.error().message, {}, dir);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    {
        if (::mkdir(it->c_str(), 0700) != 0)
        {
            if (errno == EEXIST)
                continue;
            return io_failure("create directory", *it);
        }
        if (chown_asked(*o) && ::chown(it->c_str(), o->uid, o->gid) != 0)
            return io_failure("chown directory", *it);
        if (::chmod(it->c_str(), t.dir_perms) != 0)
            return io_failure("chmod directory", *it);
    }
    return {};
}

}  // namespace

void remove_stale_temps(const std::string& path)
{
    const auto slash = path.rfind('/');
    const std::string prefix = path.substr(slash + 1) + ".vk-tmp-";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_of(path), ec))
        if (entry.path().filename().string().starts_with(prefix))
            std::filesystem::remove(entry.path(), ec);
}

result<bool> would_change(const file_target& t, std::string_view bytes)
{
    auto o = owner_of(t);
    if (!o)
        return o.error();
    return !same(t, bytes, *o);
}

result<write_outcome> write_atomically(const file_target& t, std::string_view bytes)
{
    auto o = owner_of(t);
    if (!o)
        return o.error();
    if (same(t, bytes, *o))
        return write_outcome::unchanged;
    const std::string dir = dir_of(t.path);
    if (t.create_dirs)
        if (auto made = make_dirs(dir, t); !made)
            return made.error();
    const std::string tmp = t.path + ".vk-tmp-" + std::to_string(::getpid());
    ::unlink(tmp.c_str());  // a leftover of a crashed write of ours (same pid reused is harmless)
    auto f = io::atomic_file::create(t.path, tmp, O_NOFOLLOW);
    if (!f)
        return f.error();
    // Backup between fsync and rename; a failure anywhere before the rename removes the temp file.
    auto filled = fill(*f, t, bytes, *o);
    if (filled && t.backup)
        filled = backup(t);
    if (filled)
        filled = f->publish();
    if (!filled)
        return filled.error();
    return write_outcome::written;
}

}  // namespace vk::emissary
