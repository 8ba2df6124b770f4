// The job run loop: one cycle at a time, each raced against its deadline and against operator or
// shutdown cancellation. Whichever wins, the cycle's coroutines are cancelled and awaited before the
// record is closed, so no work of a cycle outlives it. What happens when is job_fsm's decision; this file
// only performs it.
#include "runtime/job.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <optional>

#include "async/sleep.hpp"
#include "core/backoff.hpp"

namespace vk::runtime {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;

namespace {
constexpr auto wait_token = asio::as_tuple(asio::use_awaitable);

// Whether a cycle runs, shared with the coroutines waiting for its end: they may outlive the job (reload).
struct cycle_gate
{
    explicit cycle_gate(asio::any_io_executor ex)
        : ended(ex, steady::time_point::max())
    {
    }
    void close()
    {
        running = false;
        ended.cancel();  // wakes every waiter; the expiry stays at max for the next ones
    }
    bool running = false;
    asio::steady_timer ended;
};
}  // namespace

struct job::impl
{
    explicit impl(asio::any_io_executor ex)
        : wake(ex),
          stop_event(ex),
          gate(std::make_shared<cycle_gate>(ex))
    {
    }
    ~impl() { gate->close(); }
    asio::steady_timer wake;        // the loop's wait: cancelled to wake it after a control
    asio::steady_timer stop_event;  // cancelled to end the running cycle (halt, shutdown, fatal, lost lock)
    std::shared_ptr<cycle_gate> gate;
    steady::time_point next_tick = steady::now();
};

job::job(asio::any_io_executor ex, vk::job_config cfg, std::unique_ptr<job_body> body, job_observer* observer)
    : cfg_(std::move(cfg)),
      body_(std::move(body)),
      observer_(observer),
      impl_(std::make_unique<impl>(ex)),
      fsm_(cfg_.enabled)
{
}

job::~job() = default;

asio::awaitable<void> job::run()
{
    // The body's background work ends with the loop (|| cancels it), so nothing outlives the job.
    co_await (cycle_loop() || run_background());
}

std::chrono::milliseconds background_backoff(unsigned failures)
{
    return vk::backoff_delay({std::chrono::seconds(1), std::chrono::minutes(1), jitter::none},
                             failures > 0 ? failures - 1 : 0, 0.0);
}

asio::awaitable<void> job::run_background()
{
    std::function<void()> request = [this] { request_cycle(); };
    auto cs = co_await asio::this_coro::cancellation_state;
    for (unsigned failures = 0;;)
    {
        std::optional<vk::error> failed;
        try
        {
            co_await body_->background(request);
            // A body whose background work ended early must not end the job: wait for the loop to finish.
            co_await body_->job_body::background(request);
            co_return;
        }
        catch (const std::exception& e)
        {
            if (cs.cancelled() != asio::cancellation_type::none)
                co_return;  // the job is stopping: the exception is the cancellation itself
            failed = make_error(errc::internal, std::string("background work failed: ") + e.what());
        }
        // Work that dies must not silently take the job's watches or token renewal with it: count, wait,
        // restart.
        auto wait = background_backoff(++failures);
        if (observer_)
            observer_->on_background_error(*this, *failed, wait);
        co_await vk::sleep_for(wait);
    }
}

// Asks the fsm what to do whenever the loop is free (start, a cycle ended, a wait ended) and does it.
asio::awaitable<void> job::cycle_loop()
{
    for (;;)
    {
        auto next = perform(fsm_.next());
        switch (next ? next->what : job_action::type::exit)
        {
        case job_action::type::start_cycle: co_await run_one_cycle(next->run_start_checks); break;
        case job_action::type::wait_until_next_tick: co_await wait_until(impl_->next_tick); break;
        case job_action::type::wait_forever: co_await wait_until(steady::time_point::max()); break;
        default: co_return;
        }
    }
}

// Sleeps until `t` (a tick) or until a control wakes the loop, whichever comes first.
asio::awaitable<void> job::wait_until(steady::time_point t)
{
    impl_->wake.expires_at(t);
    auto [ec] = co_await impl_->wake.async_wait(wait_token);
    if (!ec)
        perform(fsm_.tick());
}

asio::awaitable<void> job::run_one_cycle(bool run_start_checks)
{
    cycle_context ctx(cfg_.name, cfg_.kind, ++last_id_, this);
    current_ = &ctx;
    impl_->gate->running = true;
    impl_->next_tick = steady::now() + cfg_.interval;
    ctx.debug("cycle started");

    asio::steady_timer deadline(impl_->wake.get_executor());
    deadline.expires_after(cfg_.timeout);
    impl_->stop_event.expires_at(steady::time_point::max());
    auto winner = co_await (call_body(ctx, run_start_checks) || deadline.async_wait(wait_token) ||
                            impl_->stop_event.async_wait(wait_token));

    static constexpr cycle_winner winners[] = {cycle_winner::body, cycle_winner::deadline,
                                               cycle_winner::stop_event};
    auto step = fsm_.cycle_ended({winners[winner.index()], ctx.has_fatal(), ctx.has_errors()});
    ctx.record().end = std::chrono::system_clock::now();
    ctx.record().outcome = step.outcome;
    current_ = nullptr;
    impl_->gate->close();
    ctx.log(step.outcome == cycle_outcome::ok ? log::level::info : log::level::warn, "cycle ended",
            {{"outcome", std::string(to_string(*step.outcome))}, {"error", ctx.record().error}});
    history_.push_back(ctx.record());
    if (history_.size() > history_size)
        history_.pop_front();
    if (observer_)
        observer_->on_cycle_end(*this, history_.back());
    perform(step);
}

asio::awaitable<void> job::call_body(cycle_context& ctx, bool run_start_checks)
{
    auto cs = co_await asio::this_coro::cancellation_state;
    try
    {
        if (run_start_checks)
        {
            auto started = co_await body_->start(ctx);
            if (!started)
            {
                ctx.fatal(started.error());
                co_return;
            }
            perform(fsm_.start_passed());
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

void job::on_report(const cycle_context& ctx, severity s, const vk::error& e)
{
    if (observer_)
        observer_->on_report(*this, ctx, s, e);
    if (s == severity::fatal)
        perform(fsm_.fatal_reported());
}

// Performs the step's side effects now; returns the loop's action (start, wait, exit), if the step has one.
std::optional<job_action> job::perform(const job_step& step)
{
    std::optional<job_action> loop;
    for (const auto& a : step.actions)
    {
        if (a.what == job_action::type::notify_state)
        {
            if (observer_)
                observer_->on_state(*this);
        }
        else if (a.what == job_action::type::cancel_cycle)
        {
            if (current_)
                current_->debug("cycle cancelled", {{"reason", std::string(to_string(a.reason))}});
            impl_->stop_event.cancel();
        }
        else
            loop = a;
    }
    return loop;
}

// A control may change what the idle loop waits for: wake it to ask the fsm again (harmless mid-cycle).
control_result job::control(const job_step& step)
{
    perform(step);
    impl_->wake.cancel();
    return step.answer;
}

control_result job::trigger()
{
    return control(fsm_.trigger());
}

void job::request_cycle()
{
    control(fsm_.request_cycle());
}

control_result job::halt()
{
    return control(fsm_.halt());
}

control_result job::resume()
{
    return control(fsm_.resume());
}

void job::stop()
{
    control(fsm_.stop());
}

void job::set_active(bool active)
{
    control(fsm_.set_active(active));
}

asio::awaitable<void> job::cycle_finished()
{
    auto gate = impl_->gate;  // ours: the job may be destroyed while we wait
    while (gate->running)
        co_await gate->ended.async_wait(wait_token);
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
    if (fsm_.state() != job_state::idle)
        return std::nullopt;
    auto left = fsm_.trigger_pending() ? steady::duration::zero() : impl_->next_tick - steady::now();
    return std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                  std::max(left, steady::duration::zero()));
}

}  // namespace vk::runtime
