// Writing a rendered file so no reader ever sees a partial one: skip when bytes, mode and owner are already
// right; otherwise a temp file in the destination's directory (O_EXCL, 0600), owner and mode set before a
// byte is written, write, fsync, rename over the destination, fsync the directory. Optional single backup.
// Missing directories are created with the mode and owner asked for, whatever the process's umask.
#ifndef VAULTKEEPER_SERVER_EMISSARY_ATOMIC_WRITE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_ATOMIC_WRITE_HPP

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace vk::emissary {

struct file_target
{
    std::string path;
    unsigned perms = 0600;
    std::string user;  // name or numeric id; empty keeps the process's
    std::string group;
    bool backup = false;  // keep the replaced file as <path>.bak
    bool create_dirs = true;
    unsigned dir_perms = 0755;  // the directories create_dirs makes get this mode exactly (not the umask's)
    std::string dir_user;       // and this owner; empty keeps the process's
    std::string dir_group;
};

enum class write_outcome
{
    unchanged,  // bytes, mode and owner already right: nothing touched
    written,
};

// Blocking file-system calls (small files). errc::io_error naming the path and the failing step;
// errc::invalid_argument for an unknown user or group (of the file or of the directories).
result<write_outcome> write_atomically(const file_target& t, std::string_view bytes);
// Whether write_atomically would change anything (dry_run).
result<bool> would_change(const file_target& t, std::string_view bytes);

// Removes the temp files a crashed write of <path> left (<path>.vk-tmp-<pid>); errors are ignored.
void remove_stale_temps(const std::string& path);

}  // namespace vk::emissary

#endif
