// The command under its supervisor (supervisor.hpp), its output and end read through Asio; the deadline, a
// cancelled cycle and the end of the command all end the group the same way, killed and reaped before this
// returns, so a shell's children die with it and nothing outlives the cycle.
#include "emissary/command.hpp"

#include "async/deadline.hpp"
#include "async/sleep.hpp"
#include "emissary/supervisor.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>

namespace vk::emissary {
namespace asio = boost::asio;
namespace {

constexpr std::size_t max_output = command_capture_bytes;

// Reads until EOF (every writer of the pipe, children included, has closed it).
asio::awaitable<void> drain(asio::posix::stream_descriptor& pipe, std::string& out)
{
    char buf[4096];
    for (;;)
    {
        boost::system::error_code ec;
        std::size_t n =
            co_await pipe.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
        out.append(buf, std::min(n, max_output - std::min(max_output, out.size())));
    }
}

// Reads the supervisor's report of the leader's end; nullopt when the supervisor died without one.
asio::awaitable<std::optional<leader_exit>> read_report(asio::posix::stream_descriptor& report)
{
    unsigned char bytes[leader_report_size];
    boost::system::error_code ec;
    co_await asio::async_read(report, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    co_return ec ? std::nullopt : decode_leader_report(bytes);
}

asio::awaitable<std::optional<leader_exit>>
drain_and_wait(asio::posix::stream_descriptor& pipe, std::string& out, asio::posix::stream_descriptor& report)
{
    co_await drain(pipe, out);
    co_return co_await read_report(report);
}

// Ends the group (the supervisor kills what is left of it) and waits until the supervisor is reaped, without
// blocking the io_context. Runs to the end even when the caller was cancelled: it only polls.
asio::awaitable<void> end_group(supervised_group& g)
{
    g.end();
    while (!g.reaped())
        co_await sleep_for(std::chrono::milliseconds(2));
}

}  // namespace

asio::awaitable<result<command_outcome>> run_command(const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout)
{
    auto group = supervised_group::start(args);
    if (!group)
        co_return group.error();
    auto ex = co_await asio::this_coro::executor;
    auto cs = co_await asio::this_coro::cancellation_state;
    asio::posix::stream_descriptor pipe(ex, group->release_output());
    asio::posix::stream_descriptor report(ex, group->release_report());
    command_outcome out;
    std::optional<std::optional<leader_exit>> ended;
    std::exception_ptr cancelled;
    try
    {
        ended = co_await with_timeout(drain_and_wait(pipe, out.output, report), timeout);
    }
    catch (...)
    {
        cancelled = std::current_exception();  // the cycle was cancelled
    }
    // Whatever happened, nothing of the command outlives this call: the group is killed and reaped before
    // the caller (and the HA lock above it) goes on. Awaits must not throw for the cancellation meanwhile.
    bool throwing = co_await asio::this_coro::throw_if_cancelled();
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await end_group(*group);
    co_await asio::this_coro::throw_if_cancelled(throwing);
    if (cancelled)
        std::rethrow_exception(cancelled);
    if (cs.cancelled() != asio::cancellation_type::none)
        throw boost::system::system_error(asio::error::operation_aborted);  // as if the await had thrown
    if (!ended)
    {
        out.timed_out = true;
        out.signal = SIGKILL;
    }
    else if (!*ended)
        co_return make_error(errc::io_error, "the command's supervisor ended before the command did");
    else
    {
        out.exit_status = (*ended)->exit_status;
        out.signal = (*ended)->signal;
    }
    co_return out;
}

}  // namespace vk::emissary
