// Running the job's command after a change: argv via execvp (a shell only when the settings asked for one),
// in its own process group, output captured, the whole group killed when `timeout` expires.
#ifndef VAULTKEEPER_SERVER_EMISSARY_COMMAND_HPP
#define VAULTKEEPER_SERVER_EMISSARY_COMMAND_HPP

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vk::emissary {

// How much output is kept, raw: more than is logged (command_log_bytes), so a secret that crosses the log's
// cap is still whole when it is redacted.
inline constexpr std::size_t command_capture_bytes = 80 * 1024;

struct command_outcome
{
    int exit_status = -1;    // the exit code; -1 when killed by a signal
    int signal = 0;          // the signal that ended it, if any
    bool timed_out = false;  // the group was killed at the deadline
    std::string output;      // stdout and stderr, interleaved, at most command_capture_bytes (raw: redact)
    bool ok() const { return !timed_out && exit_status == 0; }
};

// errc::io_error when the process cannot be started (pipe/fork); a program that cannot be executed exits 127.
boost::asio::awaitable<result<command_outcome>> run_command(const std::vector<std::string>& argv,
                                                            std::chrono::milliseconds timeout);

}  // namespace vk::emissary

#endif
