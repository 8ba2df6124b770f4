// sim_process: runs a simulator binary (vault-sim, consul-sim) from the build's bin dir as a child process on
// free loopback ports, waits until every node accepts connections, and kills it by PID when destroyed.
// Also a tiny blocking HTTP/1.1 call for the sims' /_sim/ control API (the sim is another process, so
// blocking briefly inside a test coroutine is harmless).
#ifndef VAULTKEEPER_TESTS_IO_SIM_PROCESS_HPP
#define VAULTKEEPER_TESTS_IO_SIM_PROCESS_HPP

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace vk::test {

// The directory holding the running test executable (the build's bin dir: every target lands there).
inline std::filesystem::path bin_dir()
{
    return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

// Where the simulators are: VK_SIM_BIN_DIR when set (the sanitizer build uses the release build's sims),
// else next to the test executable.
inline std::filesystem::path sim_bin_dir()
{
    const char* dir = std::getenv("VK_SIM_BIN_DIR");
    return dir && *dir ? std::filesystem::path(dir) : bin_dir();
}

namespace sim_detail {

inline int loopback_socket(std::uint16_t port, bool do_bind)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = do_bind ? ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a)
                     : ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    if (rc != 0)
    {
        ::close(fd);
        return -1;
    }
    return fd;
}

// True when 127.0.0.1:port can be bound right now.
inline bool port_free(std::uint16_t port)
{
    int fd = loopback_socket(port, true);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

// A base port such that base..base+count-1 are all free (the kernel picks base; neighbours are checked).
inline std::uint16_t free_ports(unsigned count)
{
    for (int attempt = 0; attempt < 200; ++attempt)
    {
        int fd = loopback_socket(0, true);
        if (fd < 0)
            break;
        sockaddr_in a{};
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        ::close(fd);
        auto base = ntohs(a.sin_port);
        if (base + count > 65535)
            continue;
        bool ok = true;
        for (unsigned i = 0; i < count && ok; ++i)
            ok = port_free(static_cast<std::uint16_t>(base + i));
        if (ok)
            return base;
    }
    throw std::runtime_error("sim_process: no free loopback port range");
}

}  // namespace sim_detail

// Answer of http_call: status 0 when the exchange failed.
struct sim_reply
{
    int status = 0;
    std::string body;
};

// One blocking HTTP/1.1 request to 127.0.0.1:port (Connection: close), bounded by `timeout` per socket op.
// Decodes chunked bodies. Returns status 0 on any transport failure.
inline sim_reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::string& body = {}, const std::vector<std::string>& headers = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(5))
{
    int fd = sim_detail::loopback_socket(port, false);
    if (fd < 0)
        return {};
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& h : headers)
        req += h + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < req.size();)
    {
        auto n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
        {
            ::close(fd);
            return {};
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buf[8192];
    for (;;)
    {
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    auto head_end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || head_end == std::string::npos)
        return {};
    sim_reply r;
    r.status = std::atoi(raw.c_str() + 9);
    std::string head = raw.substr(0, head_end);
    std::string rest = raw.substr(head_end + 4);
    std::string lower;
    for (char c : head)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("transfer-encoding: chunked") == std::string::npos)
    {
        r.body = std::move(rest);
        return r;
    }
    // Chunked: size line, data, CRLF, until a zero-size chunk.
    for (std::size_t pos = 0;;)
    {
        auto eol = rest.find("\r\n", pos);
        if (eol == std::string::npos)
            break;
        auto size = std::strtoul(rest.c_str() + pos, nullptr, 16);
        if (size == 0)
            break;
        r.body.append(rest, eol + 2, size);
        pos = eol + 2 + size + 2;
    }
    return r;
}

// A simulator child process. Construction spawns `<bin_dir>/<binary> --listen 127.0.0.1:<port> <args...>`
// (nodes = how many consecutive ports the sim will bind), waits up to `ready_timeout` until every port
// accepts, and throws std::runtime_error (with the sim's output) if it exits or never gets ready.
// The destructor sends SIGTERM, waits up to 2 s, then SIGKILLs; always by PID.
class sim_process
{
public:
    sim_process(const std::string& binary, std::vector<std::string> args = {}, unsigned nodes = 1,
                std::chrono::milliseconds ready_timeout = std::chrono::seconds(10))
        : nodes_(nodes)
    {
        auto exe = sim_bin_dir() / binary;
        if (!std::filesystem::exists(exe))
            throw std::runtime_error("sim_process: " + exe.string() + " not built");
        port_ = sim_detail::free_ports(nodes);
        log_ = std::filesystem::temp_directory_path() /
               (binary + "-" + std::to_string(::getpid()) + "-" + std::to_string(port_) + ".log");
        std::vector<std::string> argv_s{exe.string(), "--listen", "127.0.0.1:" + std::to_string(port_)};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        spawn(argv_s);
        wait_ready(ready_timeout);
    }

    sim_process(const sim_process&) = delete;
    sim_process& operator=(const sim_process&) = delete;

    ~sim_process() { stop(); }

    // Port of node i (node 0 is the first, and the one that answers /_sim/ control routes too).
    std::uint16_t port(unsigned node = 0) const { return static_cast<std::uint16_t>(port_ + node); }
    std::string address(unsigned node = 0) const { return "http://127.0.0.1:" + std::to_string(port(node)); }
    pid_t pid() const { return pid_; }
    // Everything the sim wrote to stdout/stderr so far.
    std::string output() const
    {
        std::ifstream in(log_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    // Blocking call to node 0 (typically a /_sim/ control route); see http_call.
    sim_reply call(const std::string& method, const std::string& target, const std::string& body = {}) const
    {
        return http_call(port(), method, target, body);
    }

    // Stops the child (idempotent): SIGTERM, bounded wait, SIGKILL.
    void stop()
    {
        if (pid_ <= 0)
            return;
        ::kill(pid_, SIGTERM);
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (::waitpid(pid_, nullptr, WNOHANG) == 0)
        {
            if (std::chrono::steady_clock::now() > end)
            {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, nullptr, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        pid_ = -1;
        std::error_code ec;
        std::filesystem::remove(log_, ec);
    }

private:
    void spawn(const std::vector<std::string>& argv_s)
    {
        std::vector<char*> argv;
        for (const auto& a : argv_s)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        pid_ = ::fork();
        if (pid_ < 0)
            throw std::runtime_error("sim_process: fork failed");
        if (pid_ == 0)
        {
            // Child: only async-signal-safe calls until exec.
            if (out >= 0)
            {
                ::dup2(out, 1);
                ::dup2(out, 2);
            }
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        if (out >= 0)
            ::close(out);
    }

    void wait_ready(std::chrono::milliseconds timeout)
    {
        auto end = std::chrono::steady_clock::now() + timeout;
        for (unsigned i = 0; i < nodes_;)
        {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_)
            {
                pid_ = -1;
                throw std::runtime_error("sim_process: simulator exited early:\n" + output());
            }
            int fd = sim_detail::loopback_socket(port(i), false);
            if (fd >= 0)
            {
                ::close(fd);
                ++i;
                continue;
            }
            if (std::chrono::steady_clock::now() > end)
            {
                std::string out = output();
                stop();
                throw std::runtime_error("sim_process: simulator not ready in time:\n" + out);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    unsigned nodes_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
    std::filesystem::path log_;
};

}  // namespace vk::test

#endif
