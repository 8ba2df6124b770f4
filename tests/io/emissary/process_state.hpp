// Whether a process the test started (directly or not) has died, read from /proc without racing its exit.
#pragma once

#include <fcntl.h>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <unistd.h>

namespace vk::test {

// Dead: gone, or a zombie waiting for a parent that is not ours to be. Read with read(2), not a stream: a
// process that exits between the open and the read makes the read fail with ESRCH, which libstdc++'s filebuf
// turns into an exception.
inline bool process_dead(pid_t pid)
{
    int fd = ::open(("/proc/" + std::to_string(pid) + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true;
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    return n <= 0 || std::string_view(buf, static_cast<size_t>(n)).find(") Z") != std::string_view::npos;
}

}  // namespace vk::test
