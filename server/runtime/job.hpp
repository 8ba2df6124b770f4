// A configured job: its run loop (ticker, triggers, per-cycle deadline), its state and controls
// (trigger / halt / resume / stop) and the history of its last cycles. The decisions are job_fsm's; the job
// performs them (timers, the cycle's coroutines, observers). All members are called on the io_context's
// single thread.
#ifndef VAULTKEEPER_SERVER_RUNTIME_JOB_HPP
#define VAULTKEEPER_SERVER_RUNTIME_JOB_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "runtime/job_kind.hpp"
#include "runtime/model/cycle.hpp"
#include "runtime/model/job_fsm.hpp"

namespace vk::runtime {

class job;

// Observers see every state change, report and cycle end (metrics, webhook notifier, HA).
struct job_observer
{
    virtual ~job_observer() = default;
    virtual void on_state(const job&) {}
    virtual void on_cycle_end(const job&, const cycle_record&) {}
    virtual void on_report(const job&, const cycle_context&, severity, const vk::error&) {}
    // The body's background work (token renewal, watches) failed; it is restarted after `retry_in`.
    virtual void on_background_error(const job&, const vk::error&, std::chrono::milliseconds retry_in) {}
};

// How long to wait before restarting background work that failed `failures` times in a row: 1 s doubling up
// to 1 min, so a persistent bug costs one log line a minute, not a hot loop.
std::chrono::milliseconds background_backoff(unsigned failures);

class job final : private cycle_listener
{
public:
    static constexpr std::size_t history_size = 100;

    job(boost::asio::any_io_executor ex, vk::job_config cfg, std::unique_ptr<job_body> body,
        job_observer* observer);
    ~job() override;
    job(const job&) = delete;
    job& operator=(const job&) = delete;

    // Runs cycles until stop(). The first cycle runs at once (after the start-up checks), then every
    // `interval` from the start of the previous cycle; ticks missed while a cycle runs are dropped.
    boost::asio::awaitable<void> run();

    control_result trigger();
    // A cycle as soon as possible: after the running one if any (no-op when halted, failed or stopping).
    // For watches inside the daemon; operators use trigger().
    void request_cycle();
    control_result halt();
    control_result resume();
    // Shutdown: the running cycle is cancelled (outcome `cancelled`) and run() returns.
    void stop();
    // HA: while not the lock holder the job is in standby and starts no cycle; losing the lock cancels the
    // running cycle at once.
    void set_active(bool active);
    // Returns once no cycle of this job runs (at once when none does): a cancelled cycle has ended, every
    // coroutine and process it started with it. Also returns when the job is destroyed meanwhile.
    boost::asio::awaitable<void> cycle_finished();

    const std::string& name() const noexcept { return cfg_.name; }
    const std::string& kind() const noexcept { return cfg_.kind; }
    const vk::job_config& config() const noexcept { return cfg_; }
    job_state state() const noexcept { return fsm_.state(); }
    const std::deque<cycle_record>& history() const noexcept { return history_; }
    // The running cycle's record so far, if a cycle runs.
    const cycle_record* current() const noexcept;
    const cycle_record* find_cycle(std::uint64_t id) const;
    std::optional<system_time> next_run() const;
    boost::json::object body_status() const { return body_->status(); }
    job_body& body() noexcept { return *body_; }

private:
    struct impl;

    void on_report(const cycle_context& ctx, severity s, const vk::error& e) override;
    boost::asio::awaitable<void> cycle_loop();
    boost::asio::awaitable<void> run_background();
    boost::asio::awaitable<void> run_one_cycle(bool run_start_checks);
    boost::asio::awaitable<void> call_body(cycle_context& ctx, bool run_start_checks);
    boost::asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point t);
    std::optional<job_action> perform(const job_step& step);
    control_result control(const job_step& step);

    vk::job_config cfg_;
    std::unique_ptr<job_body> body_;
    job_observer* observer_;
    std::unique_ptr<impl> impl_;
    job_fsm fsm_;
    std::uint64_t last_id_ = 0;
    cycle_context* current_ = nullptr;
    std::deque<cycle_record> history_;
};

}  // namespace vk::runtime

#endif
