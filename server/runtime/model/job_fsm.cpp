// The job's state machine: transitions and the judgement of a finished cycle.
#include "runtime/model/job_fsm.hpp"

#include <ostream>

namespace vk::runtime {

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

std::string_view to_string(cancel_reason r)
{
    switch (r)
    {
    case cancel_reason::halt: return "halt";
    case cancel_reason::shutdown: return "shutdown";
    case cancel_reason::fatal: return "fatal";
    case cancel_reason::lost_lock: return "lost_lock";
    }
    return "shutdown";
}

job_action job_action::start_cycle(bool run_start_checks)
{
    job_action a = of(type::start_cycle);
    a.run_start_checks = run_start_checks;
    return a;
}

job_action job_action::cancel_cycle(cancel_reason r)
{
    job_action a = of(type::cancel_cycle);
    a.reason = r;
    return a;
}

job_action job_action::notify_state(job_state s)
{
    job_action a = of(type::notify_state);
    a.state = s;
    return a;
}

job_action job_action::of(type t)
{
    job_action a;
    a.what = t;
    return a;
}

namespace {

job_step refuse(std::string message)
{
    job_step s;
    s.answer = {false, std::move(message)};
    return s;
}

job_step act(job_action a)
{
    job_step s;
    s.actions.push_back(a);
    return s;
}

}  // namespace

job_step job_fsm::next()
{
    if (state_ == job_state::stopped)
        return act(job_action::of(job_action::type::exit));
    if (state_ != job_state::idle)
        return act(job_action::of(job_action::type::wait_forever));
    if (!trigger_pending_)
        return act(job_action::of(job_action::type::wait_until_next_tick));
    trigger_pending_ = false;
    fatal_ = false;
    halt_requested_ = false;
    job_step s = enter(job_state::running);
    s.actions.push_back(job_action::start_cycle(needs_start_));
    return s;
}

job_step job_fsm::tick()
{
    if (state_ == job_state::idle)
        trigger_pending_ = true;
    return {};
}

job_step job_fsm::start_passed()
{
    needs_start_ = false;
    return {};
}

job_step job_fsm::fatal_reported()
{
    if (state_ != job_state::running)
        return {};
    fatal_ = true;
    return cancel(cancel_reason::fatal);
}

job_step job_fsm::cycle_ended(const cycle_end& end)
{
    // A fatal error outranks a later halt or shutdown: the cycle is failed and the start-up checks rerun.
    bool fatal = end.fatal || fatal_;
    if (fatal)
        needs_start_ = true;
    cycle_outcome outcome = judge(end, fatal);
    job_step s = enter(settled_state(fatal));
    s.outcome = outcome;
    return s;
}

cycle_outcome job_fsm::judge(const cycle_end& end, bool fatal) const
{
    if (fatal)
        return cycle_outcome::failed;
    if (end.winner == cycle_winner::deadline)
        return cycle_outcome::timeout;
    if (end.winner == cycle_winner::stop_event)
        return halt_requested_ ? cycle_outcome::halted : cycle_outcome::cancelled;
    return end.errors ? cycle_outcome::failed : cycle_outcome::ok;
}

// A halt asked during the cycle holds even when the body or the deadline won the race against it.
job_state job_fsm::settled_state(bool fatal) const
{
    if (stopping_)
        return job_state::stopped;
    if (fatal)
        return job_state::failed;
    if (halt_requested_)
        return job_state::halted;
    return active_ ? job_state::idle : job_state::standby;
}

job_step job_fsm::trigger()
{
    if (stopping_)
        return refuse("the daemon is shutting down");
    switch (state_)
    {
    case job_state::running: return refuse("a cycle of this job is already running");
    case job_state::halted: return refuse("the job is halted; resume it first");
    case job_state::failed: return refuse("the job has failed; resume it first");
    case job_state::standby: return refuse("another replica holds this job's lock");
    default: break;
    }
    trigger_pending_ = true;
    return {};
}

job_step job_fsm::request_cycle()
{
    if (!stopping_ && state_ != job_state::halted && state_ != job_state::failed)
        trigger_pending_ = true;
    return {};
}

job_step job_fsm::halt()
{
    if (state_ == job_state::halted)
        return {};
    if (state_ == job_state::failed || state_ == job_state::stopped)
        return refuse("the job is " + std::string(to_string(state_)));
    if (state_ != job_state::running)
        return enter(job_state::halted);
    halt_requested_ = true;
    return cancel(cancel_reason::halt);
}

job_step job_fsm::resume()
{
    if (state_ != job_state::halted && state_ != job_state::failed)
        return refuse("the job is " + std::string(to_string(state_)) + ", not halted or failed");
    trigger_pending_ = true;
    return enter(active_ ? job_state::idle : job_state::standby);
}

job_step job_fsm::stop()
{
    if (stopping_)
        return {};
    stopping_ = true;
    if (state_ == job_state::running)
        return cancel(cancel_reason::shutdown);
    return enter(job_state::stopped);
}

job_step job_fsm::set_active(bool active)
{
    if (active_ == active)
        return {};
    active_ = active;
    if (active)
        trigger_pending_ = true;
    if (state_ == job_state::running && !active)
        return cancel(cancel_reason::lost_lock);
    if (state_ == job_state::idle || state_ == job_state::standby)
        return enter(active ? job_state::idle : job_state::standby);
    return {};
}

job_step job_fsm::enter(job_state s)
{
    if (state_ == s)
        return {};
    state_ = s;
    return act(job_action::notify_state(s));
}

job_step job_fsm::cancel(cancel_reason r) const
{
    return act(job_action::cancel_cycle(r));
}

std::ostream& operator<<(std::ostream& os, job_state s)
{
    return os << to_string(s);
}

std::ostream& operator<<(std::ostream& os, const job_action& a)
{
    switch (a.what)
    {
    case job_action::type::start_cycle:
        return os << (a.run_start_checks ? "start_cycle(with start-up checks)" : "start_cycle");
    case job_action::type::cancel_cycle: return os << "cancel_cycle(" << to_string(a.reason) << ")";
    case job_action::type::wait_until_next_tick: return os << "wait_until_next_tick";
    case job_action::type::wait_forever: return os << "wait_forever";
    case job_action::type::notify_state: return os << "notify_state(" << a.state << ")";
    case job_action::type::exit: return os << "exit";
    }
    return os << "?";
}

std::ostream& operator<<(std::ostream& os, const job_step& s)
{
    os << "{";
    if (!s.answer.ok)
        os << "refused: \"" << s.answer.message << "\", ";
    if (s.outcome)
        os << "outcome: " << to_string(*s.outcome) << ", ";
    os << "actions: [";
    for (std::size_t i = 0; i < s.actions.size(); ++i)
        os << (i ? ", " : "") << s.actions[i];
    return os << "]}";
}

}  // namespace vk::runtime
