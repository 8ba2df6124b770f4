// The shell of model/part_scheduler: worker coroutines joined in a ranged parallel group whose condition
// cancels the others as soon as one worker reports a final failure.
#include "snapshot/part_sender.hpp"

#include "async/sleep.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <random>

namespace vk::snapshot {

namespace asio = boost::asio;

namespace {

// The state every worker shares (workers run on one executor, one at a time).
struct part_run
{
    part_scheduler scheduler;
    const send_part_fn& send;
    std::vector<std::string> ids;
    std::optional<error> failure;  // the first final failure: the upload's error
    std::minstd_rand rng{std::random_device{}()};
};

// Sends parts until none is left; false once a part failed for good (which stops the others).
asio::awaitable<bool> part_worker(part_run& run)
{
    while (auto part = run.scheduler.next())
    {
        for (;;)
        {
            auto r = co_await run.send(*part);
            if (r)
            {
                run.scheduler.on_success(*part);
                run.ids[*part] = std::move(*r);
                break;
            }
            const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(run.rng);
            auto step = run.scheduler.on_failure(*part, r.error(), jitter);
            if (step.what == part_step::kind::fail)
            {
                if (!run.failure)
                    run.failure = r.error();
                co_return false;
            }
            co_await sleep_for(step.delay);
        }
    }
    co_return true;
}

// The group's condition: a worker that ended with a failure (or threw) cancels the rest.
struct cancel_on_failure
{
    asio::cancellation_type_t operator()(const std::exception_ptr& e, bool ok) const noexcept
    {
        return e || !ok ? asio::cancellation_type::terminal : asio::cancellation_type::none;
    }
};

// A worker's exception: the caller's cancellation (operation_aborted) is errc::cancelled, the rest a bug.
error rethrown_as_error(const std::exception_ptr& e)
{
    try
    {
        std::rethrow_exception(e);
    }
    catch (const boost::system::system_error& x)
    {
        if (x.code() != asio::error::operation_aborted)
            throw;
    }
    return make_error(errc::cancelled, "upload cancelled");
}

}  // namespace

asio::awaitable<result<std::vector<std::string>>> send_parts_parallel(std::uint64_t count,
                                                                      unsigned concurrency,
                                                                      const send_part_fn& send,
                                                                      part_retry_policy policy)
{
    part_run run{part_scheduler(count, concurrency, policy), send, std::vector<std::string>(count), {}};
    auto ex = co_await asio::this_coro::executor;
    using op_type = decltype(asio::co_spawn(ex, part_worker(run), asio::deferred));
    std::vector<op_type> ops;
    for (unsigned k = 0; k < run.scheduler.workers(); ++k)
        ops.push_back(asio::co_spawn(ex, part_worker(run), asio::deferred));
    auto [order, errors, oks] = co_await asio::experimental::make_parallel_group(std::move(ops))
                                    .async_wait(cancel_on_failure{}, asio::use_awaitable);
    // A part's own error is the story; otherwise a worker's exception (one cancelled by the caller in its
    // backoff throws operation_aborted at its next co_await).
    if (run.failure)
        co_return *run.failure;
    for (auto i : order)
        if (errors[i])
            co_return rethrown_as_error(errors[i]);
    co_return std::move(run.ids);
}

}  // namespace vk::snapshot
