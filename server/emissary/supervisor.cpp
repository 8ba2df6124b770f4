// The supervisor process and the daemon's handle on it. Everything between fork() and exec or _exit runs in
// a copy of a possibly threaded process (Asio's resolver): only async-signal-safe calls, no allocation.
#include "emissary/supervisor.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

namespace vk::emissary {
namespace {

volatile sig_atomic_t daemon_gone = 0;

void on_parent_death(int)
{
    daemon_gone = 1;
}

// Only there so that a SIGCHLD interrupts ppoll().
void on_child(int) {}

void close_fd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// Closes every descriptor from `from` up to `to` (inclusive).
void close_fds(unsigned from, unsigned to)
{
    if (from > to)
        return;
    if (::close_range(from, to, 0) == 0)
        return;
    // Kernels before 5.9: one by one, up to the descriptor limit.
    rlimit lim{};
    unsigned last = ::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < 65536 ? lim.rlim_cur : 65536;
    for (unsigned fd = from; fd <= to && fd < last; ++fd)
        ::close(static_cast<int>(fd));
}

// The supervisor keeps three descriptors and nothing else of the daemon's: not its sockets, and above all no
// other command's lifeline (the lifeline must close when the daemon dies, not when the last supervisor does).
void keep_only(int a, int b, int c)
{
    int keep[3] = {a, b, c};
    std::sort(keep, keep + 3);
    unsigned from = 3;
    for (int k : keep)
    {
        if (k >= 3)
            close_fds(from, static_cast<unsigned>(k) - 1);
        from = std::max(from, static_cast<unsigned>(k) + 1);
    }
    close_fds(from, ~0U);
}

// Default dispositions and an empty mask, as a freshly started program expects (the daemon's handlers are
// Asio's, which would write into a pipe the supervisor closed).
void reset_signals()
{
    struct sigaction dfl
    {
    };
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
        ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] void exec_command(int output, char* const* argv, pid_t supervisor)
{
    ::setpgid(0, 0);  // also done by the supervisor: whichever runs first, the group exists before any kill
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a supervisor that dies (OOM killer) takes the leader with it
    if (::getppid() != supervisor)
        ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int out = ::fcntl(output, F_DUPFD, 3);  // above 0..2, so dup2 below never meets itself
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (out < 0 || null_fd < 0)
        ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::close(out);
    if (null_fd > 2)
        ::close(null_fd);
    ::execvp(argv[0], argv);
    ::_exit(127);
}

// Writes the leader's end to the report pipe once it exited; the leader stays a zombie (WNOWAIT), so its
// pid, which is the group's id, cannot be reused before the final kill.
bool report_if_ended(pid_t leader, int report)
{
    siginfo_t si{};
    if (::waitid(P_PID, static_cast<id_t>(leader), &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        si.si_pid != leader)
        return false;
    std::int32_t msg[2] = {si.si_code == CLD_EXITED ? 0 : 1, si.si_status};
    static_assert(sizeof msg == leader_report_size);
    while (::write(report, msg, sizeof msg) < 0 && errno == EINTR)
    {
    }
    ::close(report);
    return true;
}

// Until the daemon closes the lifeline or dies: reports the leader's end when it comes. SIGCHLD and SIGTERM
// are blocked except inside ppoll, so neither can slip in between a check and the wait.
void wait_for_the_daemon(int lifeline, int report, pid_t leader)
{
    sigset_t during;
    ::sigprocmask(SIG_SETMASK, nullptr, &during);
    sigdelset(&during, SIGCHLD);
    sigdelset(&during, SIGTERM);
    bool reported = false;
    while (!daemon_gone)
    {
        if (!reported)
            reported = report_if_ended(leader, report);
        pollfd p{lifeline, POLLIN, 0};
        if (::ppoll(&p, 1, nullptr, &during) > 0)
            return;  // the daemon never writes: readable means closed
    }
}

[[noreturn]] void supervise(int lifeline, int report, int output, char* const* argv, pid_t daemon)
{
    ::setpgid(0, 0);  // out of the daemon's group: a terminal's Ctrl-C reaches the daemon, which ends us
    reset_signals();
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGCHLD);
    sigaddset(&blocked, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &blocked, nullptr);
    struct sigaction sa
    {
    };
    sa.sa_handler = on_parent_death;
    ::sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = on_child;
    ::sigaction(SIGCHLD, &sa, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != daemon)
        daemon_gone = 1;  // it died before the line above
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    keep_only(lifeline, report, output);
    pid_t self = ::getpid();
    pid_t leader = ::fork();
    if (leader == 0)
        exec_command(output, argv, self);
    ::close(output);
    if (leader < 0)
        ::_exit(1);  // no report: the daemon sees EOF alone
    ::setpgid(leader, leader);
    wait_for_the_daemon(lifeline, report, leader);
    ::kill(-leader, SIGKILL);
    // Every child of ours in the group: the leader, and the orphans it left (we are their subreaper).
    while (::waitpid(-leader, nullptr, 0) > 0 || errno == EINTR)
    {
    }
    ::_exit(0);
}

bool make_pipe(int (&fds)[2])
{
    return ::pipe2(fds, O_CLOEXEC) == 0;
}

}  // namespace

std::optional<leader_exit> decode_leader_report(const unsigned char (&bytes)[leader_report_size])
{
    std::int32_t msg[2];
    std::memcpy(msg, bytes, sizeof msg);
    leader_exit e;
    if (msg[0] == 0)
        e.exit_status = msg[1];
    else if (msg[0] == 1)
        e.signal = msg[1];
    else
        return std::nullopt;
    return e;
}

result<supervised_group> supervised_group::start(const std::vector<std::string>& args)
{
    if (args.empty())
        return make_error(errc::invalid_argument, "empty command");
    // Built before fork(): the children may not allocate.
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2] = {-1, -1}, life[2] = {-1, -1}, rep[2] = {-1, -1};
    if (!make_pipe(out) || !make_pipe(life) || !make_pipe(rep))
    {
        std::string what = std::string("pipe: ") + std::strerror(errno);
        for (int* p : {out, life, rep})
            for (int i = 0; i < 2; ++i)
                close_fd(p[i]);
        return make_error(errc::io_error, what);
    }
    pid_t daemon = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0)
        supervise(life[0], rep[1], out[1], argv.data(), daemon);
    int fork_errno = errno;
    close_fd(life[0]);
    close_fd(rep[1]);
    close_fd(out[1]);
    if (pid < 0)
    {
        close_fd(life[1]);
        close_fd(rep[0]);
        close_fd(out[0]);
        return make_error(errc::io_error, std::string("fork: ") + std::strerror(fork_errno));
    }
    return supervised_group(pid, out[0], rep[0], life[1]);
}

supervised_group::supervised_group(pid_t supervisor, int output, int report, int lifeline)
    : supervisor_(supervisor),
      output_(output),
      report_(report),
      lifeline_(lifeline)
{
}

supervised_group::supervised_group(supervised_group&& o) noexcept
    : supervisor_(std::exchange(o.supervisor_, -1)),
      output_(std::exchange(o.output_, -1)),
      report_(std::exchange(o.report_, -1)),
      lifeline_(std::exchange(o.lifeline_, -1))
{
}

supervised_group::~supervised_group()
{
    close_fd(output_);
    close_fd(report_);
    end();
    if (supervisor_ > 0)
        while (::waitpid(supervisor_, nullptr, 0) < 0 && errno == EINTR)
        {
        }
}

int supervised_group::release_output()
{
    return std::exchange(output_, -1);
}

int supervised_group::release_report()
{
    return std::exchange(report_, -1);
}

void supervised_group::end()
{
    close_fd(lifeline_);
}

bool supervised_group::reaped()
{
    if (supervisor_ <= 0)
        return true;
    pid_t r = ::waitpid(supervisor_, nullptr, WNOHANG);
    if (r == supervisor_ || (r < 0 && errno != EINTR))
        supervisor_ = -1;
    return supervisor_ <= 0;
}

}  // namespace vk::emissary
