// The job run loop: one cycle at a time, each raced against its deadline and against operator or
// shutdown cancellation. Whichever wins, the cycle's coroutines are cancelled and awaited before the
// record is closed, so no work of a cycle outlives it.
#include "runtime/job.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

namespace vk::runtime {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;

namespace {
constexpr auto wait_token = asio::as_tuple(asio::use_awaitable);
}

struct job::impl
{
    explicit impl(asio::any_io_executor ex) : wake(ex), stop_event(ex) {}
    asio::steady_timer wake;        // cancelled to wake the idle loop (trigger, resume, stop)
    asio::steady_timer stop_event;  // cancelled to end the running cycle (halt, shutdown, fatal)
    steady::time_point next_tick = steady::now();
};

std::string_view to_string(job_state s)
{
    switch (s)
    {
    case job_state::idle: return "idle";
    case job_state::running: return "running";
    case job_state::halted: return "halted";
    case job_state::failed: return "failed";
    case job_state::standby: return "standby";
    case job_state::stopped: return "stopped";
    }
    return "idle";
}

job::job(asio::any_io_executor ex, vk::job_config cfg, std::unique_ptr<job_body> body, job_observer* observer)
    : cfg_(std::move(cfg)), body_(std::move(body)), observer_(observer), impl_(std::make_unique<impl>(ex))
{
    if (!cfg_.enabled)
        state_ = job_state::halted;
}

job::~job() = default;

asio::awaitable<void> job::run()
{
    // The body's background work ends with the loop (|| cancels it), so nothing outlives the job.
    co_await (cycle_loop() || run_background());
}

asio::awaitable<void> job::run_background()
{
    std::function<void()> request = [this] { request_cycle(); };
    co_await body_->background(request);
    // A body whose background work ended early must not end the job: wait for the loop to finish.
    co_await body_->job_body::background(request);
}

asio::awaitable<void> job::cycle_loop()
{
    while (!stopping_)
    {
        bool paused = state_ == job_state::halted || state_ == job_state::failed || !active_;
        if (paused || (!trigger_pending_ && steady::now() < impl_->next_tick))
        {
            impl_->wake.expires_at(paused ? steady::time_point::max() : impl_->next_tick);
            co_await impl_->wake.async_wait(wait_token);
            continue;
        }
        trigger_pending_ = false;
        impl_->next_tick = steady::now() + cfg_.interval;
        co_await run_one_cycle();
    }
    set_state(job_state::stopped);
}

asio::awaitable<void> job::run_one_cycle()
{
    cycle_context ctx(cfg_.name, cfg_.kind, ++last_id_, this);
    current_ = &ctx;
    stop_reason_ = stop_reason::none;
    set_state(job_state::running);
    ctx.debug("cycle started");

    asio::steady_timer deadline(impl_->wake.get_executor());
    deadline.expires_after(cfg_.timeout);
    impl_->stop_event.expires_at(steady::time_point::max());
    auto winner = co_await (
        call_body(ctx) || deadline.async_wait(wait_token) || impl_->stop_event.async_wait(wait_token)
    );

    cycle_outcome outcome = settle(ctx, winner.index());
    ctx.record().end = std::chrono::system_clock::now();
    ctx.record().outcome = outcome;
    current_ = nullptr;
    ctx.log(outcome == cycle_outcome::ok ? log::level::info : log::level::warn, "cycle ended",
            {{"outcome", std::string(to_string(outcome))}, {"error", ctx.record().error}});
    history_.push_back(ctx.record());
    if (history_.size() > history_size)
        history_.pop_front();
    if (observer_)
        observer_->on_cycle_end(*this, history_.back());
    if (state_ == job_state::running)
        set_state(stopping_ ? job_state::stopped : (active_ ? job_state::idle : job_state::standby));
}

asio::awaitable<void> job::call_body(cycle_context& ctx)
{
    auto cs = co_await asio::this_coro::cancellation_state;
    try
    {
        if (needs_start_)
        {
            auto started = co_await body_->start(ctx);
            if (!started)
            {
                ctx.fatal(started.error());
                co_return;
            }
            needs_start_ = false;
        }
        co_await body_->run_cycle(ctx);
    }
    catch (const std::exception& e)
    {
        // An exception after cancellation is the cancellation itself, not a bug of the body.
        if (cs.cancelled() == asio::cancellation_type::none)
            ctx.error(make_error(errc::internal, std::string("unexpected exception: ") + e.what()));
    }
}

cycle_outcome job::settle(const cycle_context& ctx, std::size_t winner)
{
    bool fatal = ctx.has_fatal() || stop_reason_ == stop_reason::fatal;
    if (fatal)
    {
        needs_start_ = true;
        set_state(job_state::failed);
        return cycle_outcome::failed;
    }
    if (winner == 1)
        return cycle_outcome::timeout;
    if (winner == 2 && stop_reason_ == stop_reason::halt)
    {
        set_state(job_state::halted);
        return cycle_outcome::halted;
    }
    if (winner == 2)
        return cycle_outcome::cancelled;
    return ctx.has_errors() ? cycle_outcome::failed : cycle_outcome::ok;
}

void job::on_report(const cycle_context& ctx, severity s, const vk::error& e)
{
    if (observer_)
        observer_->on_report(*this, ctx, s, e);
    if (s == severity::fatal)
        cancel_cycle(stop_reason::fatal);
}

void job::cancel_cycle(stop_reason why)
{
    if (!current_)
        return;
    // A fatal error outranks a later halt or shutdown: the job must end up failed.
    if (stop_reason_ != stop_reason::fatal)
        stop_reason_ = why;
    impl_->stop_event.cancel();
}

control_result job::trigger()
{
    if (stopping_)
        return {false, "the daemon is shutting down"};
    if (state_ == job_state::running)
        return {false, "a cycle of this job is already running"};
    if (state_ == job_state::halted)
        return {false, "the job is halted; resume it first"};
    if (state_ == job_state::failed)
        return {false, "the job has failed; resume it first"};
    if (state_ == job_state::standby)
        return {false, "another replica holds this job's lock"};
    trigger_pending_ = true;
    wake();
    return {};
}

void job::request_cycle()
{
    if (stopping_ || state_ == job_state::halted || state_ == job_state::failed)
        return;
    trigger_pending_ = true;
    if (state_ != job_state::running)
        wake();
}

control_result job::halt()
{
    if (state_ == job_state::halted)
        return {};
    if (state_ == job_state::failed || state_ == job_state::stopped)
        return {false, std::string("the job is ") + std::string(to_string(state_))};
    if (state_ == job_state::running)
        cancel_cycle(stop_reason::halt);
    else
        set_state(job_state::halted);
    wake();
    return {};
}

control_result job::resume()
{
    if (state_ != job_state::halted && state_ != job_state::failed)
        return {false, std::string("the job is ") + std::string(to_string(state_)) + ", not halted or failed"};
    set_state(active_ ? job_state::idle : job_state::standby);
    trigger_pending_ = true;
    wake();
    return {};
}

void job::stop()
{
    stopping_ = true;
    cancel_cycle(stop_reason::shutdown);
    wake();
}

void job::set_active(bool active)
{
    if (active_ == active)
        return;
    active_ = active;
    if (!active)
        cancel_cycle(stop_reason::lost_lock);
    if (state_ == job_state::idle || state_ == job_state::standby)
        set_state(active ? job_state::idle : job_state::standby);
    if (active)
        trigger_pending_ = true;
    wake();
}

void job::wake()
{
    impl_->wake.cancel();
}

void job::set_state(job_state s)
{
    if (state_ == s)
        return;
    state_ = s;
    if (observer_)
        observer_->on_state(*this);
}

const cycle_record* job::current() const noexcept
{
    return current_ ? &current_->record() : nullptr;
}

const cycle_record* job::find_cycle(std::uint64_t id) const
{
    if (current_ && current_->id() == id)
        return &current_->record();
    for (const auto& r : history_)
        if (r.id == id)
            return &r;
    return nullptr;
}

std::optional<system_time> job::next_run() const
{
    if (state_ != job_state::idle)
        return std::nullopt;
    auto left = trigger_pending_ ? steady::duration::zero() : impl_->next_tick - steady::now();
    return std::chrono::system_clock::now() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(std::max(left, steady::duration::zero()));
}

}  // namespace vk::runtime
