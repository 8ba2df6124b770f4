// The life of a job as a sans-io state machine (in the style of Boost.Redis `detail/*_fsm.hpp`): its state,
// when a cycle starts, which operator controls are allowed, and how a finished cycle is judged. It reads no
// clock and does no I/O: `job` feeds it events (the timer fired, a control, a report, the cycle ended) and
// performs the actions it returns (start or cancel the cycle, arm the timer, notify observers, exit), so
// every transition is unit-tested without a reactor.
#ifndef VAULTKEEPER_SERVER_RUNTIME_MODEL_JOB_FSM_HPP
#define VAULTKEEPER_SERVER_RUNTIME_MODEL_JOB_FSM_HPP

#include "runtime/model/cycle.hpp"

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::runtime {

enum class job_state
{
    idle,     // waiting for its next tick or a trigger
    running,  // a cycle is running
    halted,   // an operator halted it; resume to continue
    failed,   // a fatal error stopped it; resume to retry
    standby,  // another replica holds this job's HA lock
    stopped   // the daemon is shutting down
};
std::string_view to_string(job_state s);

struct control_result
{
    bool ok = true;
    std::string message;  // why not, when !ok (answered as 409)
    friend bool operator==(const control_result&, const control_result&) = default;
};

// Why the running cycle is being cancelled.
enum class cancel_reason
{
    halt,
    shutdown,
    fatal,
    lost_lock
};
std::string_view to_string(cancel_reason r);

// The three racers of a cycle: whichever finishes first ends it.
enum class cycle_winner
{
    body,       // the body returned
    deadline,   // the cycle's timeout expired
    stop_event  // a cancel_cycle action fired
};

// What the shell saw when the cycle ended.
struct cycle_end
{
    cycle_winner winner = cycle_winner::body;
    bool fatal = false;   // a fatal error was reported (a failed start-up check is one)
    bool errors = false;  // any error or fatal was reported
};

struct job_action
{
    enum class type
    {
        start_cycle,           // run one cycle; afterwards report cycle_ended()
        cancel_cycle,          // end the running cycle now (its stop event)
        wait_until_next_tick,  // sleep until the previous cycle's start + interval, then tick()
        wait_forever,          // sleep until a control wakes the loop
        notify_state,          // the state changed: tell the observers
        exit                   // the run loop ends
    };
    type what = type::exit;
    bool run_start_checks = false;                   // start_cycle: run the body's start-up checks first
    cancel_reason reason = cancel_reason::shutdown;  // cancel_cycle
    job_state state = job_state::idle;               // notify_state: the new state

    static job_action start_cycle(bool run_start_checks);
    static job_action cancel_cycle(cancel_reason r);
    static job_action notify_state(job_state s);
    static job_action of(type t);
    friend bool operator==(const job_action&, const job_action&) = default;
};

// The answer to one event.
struct job_step
{
    control_result answer;                 // controls: ok, or why not
    std::optional<cycle_outcome> outcome;  // cycle_ended: how the cycle ended
    std::vector<job_action> actions;       // to perform in this order
    friend bool operator==(const job_step&, const job_step&) = default;
};

std::ostream& operator<<(std::ostream& os, job_state s);
std::ostream& operator<<(std::ostream& os, const job_action& a);
std::ostream& operator<<(std::ostream& os, const job_step& s);

class job_fsm
{
public:
    // A disabled job starts halted. The first cycle runs as soon as the loop asks (after start-up checks).
    explicit job_fsm(bool enabled)
        : state_(enabled ? job_state::idle : job_state::halted)
    {
    }

    // The run loop is free (at start, after a wait, after a cycle): one of start_cycle (preceded by
    // notify_state running), wait_until_next_tick, wait_forever, exit. Never asked while a cycle runs.
    job_step next();
    // The timer armed by wait_until_next_tick fired. Ignored unless idle (a control got there first).
    job_step tick();
    // The body's start-up checks passed: later cycles skip them until a fatal error.
    job_step start_passed();
    // A fatal error was reported by the running cycle: it is cancelled and the job fails.
    job_step fatal_reported();
    // The cycle started by start_cycle ended: its outcome and the job's next state.
    job_step cycle_ended(const cycle_end& end);

    // Operator: a cycle now. Refused while running, halted, failed, in standby or shutting down.
    job_step trigger();
    // Watches inside the daemon: a cycle as soon as possible, after the running one if any (no-op when
    // halted, failed or shutting down).
    job_step request_cycle();
    job_step halt();
    job_step resume();
    // Shutdown: the running cycle is cancelled; the loop exits once no cycle runs.
    job_step stop();
    // HA: without the lock the job is in standby; losing it cancels the running cycle.
    job_step set_active(bool active);

    job_state state() const noexcept { return state_; }
    // A cycle starts as soon as the job is idle and the loop is free (a trigger, a due tick, a resume).
    bool trigger_pending() const noexcept { return trigger_pending_; }

private:
    job_step enter(job_state s);
    job_step cancel(cancel_reason r) const;
    cycle_outcome judge(const cycle_end& end, bool fatal) const;
    job_state settled_state(bool fatal) const;

    job_state state_;
    bool stopping_ = false;
    bool active_ = true;
    bool trigger_pending_ = true;  // the first cycle runs at once
    bool needs_start_ = true;
    // Of the running cycle: what was asked of it since it started.
    bool fatal_ = false;
    bool halt_requested_ = false;
};

}  // namespace vk::runtime

#endif
