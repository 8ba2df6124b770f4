// A command under a supervisor: a child of the daemon that starts the command as the leader of a process
// group of its own and kills that whole group when the daemon says so or dies (kill -9 included), so no
// command outlives the daemon, and none outlives the cycle that started it.
//
// The daemon holds the only write end of a "lifeline" pipe; the supervisor waits on its read end. Closing it
// (end()) or the daemon's death (the kernel closes it) makes the supervisor SIGKILL the command's group, reap
// it and exit. PR_SET_PDEATHSIG is the backstop both ways: the supervisor hears of the daemon's death by
// SIGTERM too, and the command's leader dies with the supervisor. The supervisor is a child subreaper, so the
// group's orphans are its children: it reaps them, and a group id cannot be reused while it kills.
#ifndef VAULTKEEPER_SERVER_EMISSARY_SUPERVISOR_HPP
#define VAULTKEEPER_SERVER_EMISSARY_SUPERVISOR_HPP

#include "core/error.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vk::emissary {

// How the group's leader (the command itself) ended.
struct leader_exit
{
    int exit_status = -1;  // the exit code; -1 when killed by a signal
    int signal = 0;        // the signal that ended it, if any
};

// The size of the supervisor's report and how to read it.
inline constexpr std::size_t leader_report_size = 8;
std::optional<leader_exit> decode_leader_report(const unsigned char (&bytes)[leader_report_size]);

class supervised_group
{
public:
    // Forks the supervisor, which forks the command: argv via execvp, stdin /dev/null, stdout and stderr into
    // one pipe. errc::io_error naming the step when a pipe or fork fails; a program that cannot be executed
    // exits 127.
    static result<supervised_group> start(const std::vector<std::string>& argv);

    supervised_group(supervised_group&& o) noexcept;
    supervised_group& operator=(supervised_group&&) = delete;
    // end() and a blocking reap if not done: only paths that could not await reaped() (bugs) get here.
    ~supervised_group();

    // The read end of the command's output; the caller owns it afterwards. EOF once every process that had
    // it (the leader, and what it started) closed it.
    int release_output();
    // The read end of the report: leader_report_size bytes once the leader exited, then EOF; EOF alone when
    // the supervisor died first. The caller owns it afterwards.
    int release_report();

    // Closes the lifeline: the supervisor kills what is left of the group (SIGKILL), reaps it and exits.
    void end();
    // Reaps the supervisor without blocking; true once it is gone (and with it the group: see end()).
    bool reaped();

private:
    supervised_group(pid_t supervisor, int output, int report, int lifeline);
    pid_t supervisor_ = -1;
    int output_ = -1;
    int report_ = -1;
    int lifeline_ = -1;
};

}  // namespace vk::emissary

#endif
