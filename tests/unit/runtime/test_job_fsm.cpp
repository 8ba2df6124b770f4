// The job's state machine without a reactor: a table of event sequences with the state and the answer to
// the last event, then the cases that are easy to get wrong (precedence of fatal, halt races, HA, shutdown).
#include "runtime/model/job_fsm.hpp"

#include <gtest/gtest.h>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace {
using vk::runtime::cancel_reason;
using vk::runtime::cycle_end;
using vk::runtime::cycle_outcome;
using vk::runtime::cycle_winner;
using vk::runtime::job_action;
using vk::runtime::job_fsm;
using vk::runtime::job_state;
using vk::runtime::job_step;

// Events, as the shell delivers them.
enum class ev
{
    next,            // the loop is free
    tick,            // the interval timer fired
    start_passed,    // start-up checks passed
    fatal,           // a fatal error reported mid-cycle
    end_ok,          // the body won, no error
    end_errors,      // the body won with errors
    end_fatal,       // the body won after reporting a fatal error (e.g. a failed start-up check)
    end_deadline,    // the deadline won
    end_stop,        // the stop event won
    end_stop_fatal,  // the stop event won, fatal reported in the cycle
    trigger,
    request,  // request_cycle()
    halt,
    resume,
    stop,
    lock_gained,
    lock_lost
};

job_step apply(job_fsm& fsm, ev e)
{
    switch (e)
    {
    case ev::next: return fsm.next();
    case ev::tick: return fsm.tick();
    case ev::start_passed: return fsm.start_passed();
    case ev::fatal: return fsm.fatal_reported();
    case ev::end_ok: return fsm.cycle_ended({cycle_winner::body, false, false});
    case ev::end_errors: return fsm.cycle_ended({cycle_winner::body, false, true});
    case ev::end_fatal: return fsm.cycle_ended({cycle_winner::body, true, true});
    case ev::end_deadline: return fsm.cycle_ended({cycle_winner::deadline, false, false});
    case ev::end_stop: return fsm.cycle_ended({cycle_winner::stop_event, false, false});
    case ev::end_stop_fatal: return fsm.cycle_ended({cycle_winner::stop_event, true, true});
    case ev::trigger: return fsm.trigger();
    case ev::request: return fsm.request_cycle();
    case ev::halt: return fsm.halt();
    case ev::resume: return fsm.resume();
    case ev::stop: return fsm.stop();
    case ev::lock_gained: return fsm.set_active(true);
    case ev::lock_lost: return fsm.set_active(false);
    }
    return {};
}

// Expected answers.
job_step acts(std::initializer_list<job_action> a)
{
    return {{}, std::nullopt, a};
}
job_step nothing()
{
    return {};
}
job_step refused(std::string message)
{
    return {{false, std::move(message)}, std::nullopt, {}};
}
job_step ended(cycle_outcome o, std::initializer_list<job_action> a)
{
    return {{}, o, a};
}
job_action notify(job_state s)
{
    return job_action::notify_state(s);
}
job_action start(bool checks)
{
    return job_action::start_cycle(checks);
}
job_action cancel(cancel_reason r)
{
    return job_action::cancel_cycle(r);
}
const job_action wait_tick = job_action::of(job_action::type::wait_until_next_tick);
const job_action wait_forever = job_action::of(job_action::type::wait_forever);
const job_action exit_loop = job_action::of(job_action::type::exit);

// Feeds all events; returns the answer to the last one.
job_step run(job_fsm& fsm, const std::vector<ev>& events)
{
    job_step last;
    for (ev e : events)
        last = apply(fsm, e);
    return last;
}

struct row
{
    const char* name;
    std::vector<ev> events;  // from a fresh, enabled job
    job_step last;           // the answer to the last event
    job_state state;         // the state after it
};

std::vector<ev> join(std::vector<ev> a, std::initializer_list<ev> b)
{
    a.insert(a.end(), b);
    return a;
}
// The first cycle of a fresh job: start-up checks passed, cycle running.
std::vector<ev> running(std::initializer_list<ev> then = {})
{
    return join({ev::next, ev::start_passed}, then);
}
// After one ok cycle: idle, waiting for the next tick.
std::vector<ev> idle(std::initializer_list<ev> then = {})
{
    return join(running({ev::end_ok, ev::next}), then);
}
// After a fatal error: failed.
std::vector<ev> failed(std::initializer_list<ev> then = {})
{
    return join(running({ev::fatal, ev::end_stop_fatal}), then);
}

const std::vector<row> table = {
    // The loop.
    {"first cycle runs at once, with start-up checks",
     {ev::next},
     acts({notify(job_state::running), start(true)}),
     job_state::running},
    {"an ok cycle", running({ev::end_ok}), ended(cycle_outcome::ok, {notify(job_state::idle)}),
     job_state::idle},
    {"idle waits for the tick", idle(), acts({wait_tick}), job_state::idle},
    {"the tick starts a cycle, without start-up checks", idle({ev::tick, ev::next}),
     acts({notify(job_state::running), start(false)}), job_state::running},
    {"a late tick after a halt is ignored", idle({ev::halt, ev::tick, ev::next}), acts({wait_forever}),
     job_state::halted},
    {"a cycle with errors fails, the job does not", running({ev::end_errors}),
     ended(cycle_outcome::failed, {notify(job_state::idle)}), job_state::idle},
    {"the deadline wins: timeout", running({ev::end_deadline}),
     ended(cycle_outcome::timeout, {notify(job_state::idle)}), job_state::idle},
    {"a fatal error cancels the cycle", running({ev::fatal}), acts({cancel(cancel_reason::fatal)}),
     job_state::running},
    {"a fatal error fails the cycle and the job", running({ev::fatal, ev::end_stop_fatal}),
     ended(cycle_outcome::failed, {notify(job_state::failed)}), job_state::failed},
    {"a fatal the body returned after fails the job", running({ev::end_fatal}),
     ended(cycle_outcome::failed, {notify(job_state::failed)}), job_state::failed},
    {"a failed job waits for resume", failed({ev::next}), acts({wait_forever}), job_state::failed},
    // trigger
    {"trigger when idle", idle({ev::trigger}), nothing(), job_state::idle},
    {"a trigger starts a cycle", idle({ev::trigger, ev::next}),
     acts({notify(job_state::running), start(false)}), job_state::running},
    {"trigger while running", running({ev::trigger}), refused("a cycle of this job is already running"),
     job_state::running},
    {"trigger when halted", idle({ev::halt, ev::trigger}), refused("the job is halted; resume it first"),
     job_state::halted},
    {"trigger when failed", failed({ev::trigger}), refused("the job has failed; resume it first"),
     job_state::failed},
    {"trigger in standby", idle({ev::lock_lost, ev::trigger}),
     refused("another replica holds this job's lock"), job_state::standby},
    {"trigger while shutting down", running({ev::stop, ev::trigger}), refused("the daemon is shutting down"),
     job_state::running},
    {"trigger when stopped", idle({ev::stop, ev::trigger}), refused("the daemon is shutting down"),
     job_state::stopped},
    // request_cycle
    {"request while running: the next cycle follows at once", running({ev::request, ev::end_ok, ev::next}),
     acts({notify(job_state::running), start(false)}), job_state::running},
    {"request when idle", idle({ev::request, ev::next}), acts({notify(job_state::running), start(false)}),
     job_state::running},
    {"request in standby waits for the lock", idle({ev::lock_lost, ev::request, ev::next}),
     acts({wait_forever}), job_state::standby},
    // halt
    {"halt while idle", idle({ev::halt}), acts({notify(job_state::halted)}), job_state::halted},
    {"halt twice", idle({ev::halt, ev::halt}), nothing(), job_state::halted},
    {"halt while running cancels the cycle", running({ev::halt}), acts({cancel(cancel_reason::halt)}),
     job_state::running},
    {"halt while running: halted outcome", running({ev::halt, ev::end_stop}),
     ended(cycle_outcome::halted, {notify(job_state::halted)}), job_state::halted},
    {"halted waits for resume", running({ev::halt, ev::end_stop, ev::next}), acts({wait_forever}),
     job_state::halted},
    {"halt when failed", failed({ev::halt}), refused("the job is failed"), job_state::failed},
    {"halt when stopped", idle({ev::stop, ev::halt}), refused("the job is stopped"), job_state::stopped},
    {"halt in standby", idle({ev::lock_lost, ev::halt}), acts({notify(job_state::halted)}),
     job_state::halted},
    // resume
    {"resume when idle", idle({ev::resume}), refused("the job is idle, not halted or failed"),
     job_state::idle},
    {"resume while running", running({ev::resume}), refused("the job is running, not halted or failed"),
     job_state::running},
    {"resume after halt", idle({ev::halt, ev::resume}), acts({notify(job_state::idle)}), job_state::idle},
    {"resume after halt runs at once, checks passed", idle({ev::halt, ev::resume, ev::next}),
     acts({notify(job_state::running), start(false)}), job_state::running},
    {"resume after failed", failed({ev::resume}), acts({notify(job_state::idle)}), job_state::idle},
    {"resume after failed reruns start-up checks", failed({ev::resume, ev::next}),
     acts({notify(job_state::running), start(true)}), job_state::running},
    {"resume without the lock: standby", failed({ev::lock_lost, ev::resume}),
     acts({notify(job_state::standby)}), job_state::standby},
    // HA
    {"lock lost when idle", idle({ev::lock_lost}), acts({notify(job_state::standby)}), job_state::standby},
    {"standby waits", idle({ev::lock_lost, ev::next}), acts({wait_forever}), job_state::standby},
    {"lock lost while running cancels the cycle", running({ev::lock_lost}),
     acts({cancel(cancel_reason::lost_lock)}), job_state::running},
    {"lock lost while running: cancelled, standby", running({ev::lock_lost, ev::end_stop}),
     ended(cycle_outcome::cancelled, {notify(job_state::standby)}), job_state::standby},
    {"lock gained", idle({ev::lock_lost, ev::lock_gained}), acts({notify(job_state::idle)}), job_state::idle},
    {"lock gained runs a cycle at once", idle({ev::lock_lost, ev::lock_gained, ev::next}),
     acts({notify(job_state::running), start(false)}), job_state::running},
    {"lock gained twice", idle({ev::lock_gained}), nothing(), job_state::idle},
    {"lock lost when failed stays failed", failed({ev::lock_lost}), nothing(), job_state::failed},
    // shutdown
    {"stop when idle", idle({ev::stop}), acts({notify(job_state::stopped)}), job_state::stopped},
    {"stop when idle: the loop exits", idle({ev::stop, ev::next}), acts({exit_loop}), job_state::stopped},
    {"stop when halted", idle({ev::halt, ev::stop}), acts({notify(job_state::stopped)}), job_state::stopped},
    {"stop while running cancels the cycle", running({ev::stop}), acts({cancel(cancel_reason::shutdown)}),
     job_state::running},
    {"stop while running: cancelled, stopped", running({ev::stop, ev::end_stop}),
     ended(cycle_outcome::cancelled, {notify(job_state::stopped)}), job_state::stopped},
    {"stop while running: then the loop exits", running({ev::stop, ev::end_stop, ev::next}),
     acts({exit_loop}), job_state::stopped},
    {"stop twice", idle({ev::stop, ev::stop}), nothing(), job_state::stopped},
    {"request while shutting down is ignored", running({ev::stop, ev::request, ev::end_stop, ev::next}),
     acts({exit_loop}), job_state::stopped},
};

TEST(job_fsm, table)
{
    for (const auto& r : table)
    {
        SCOPED_TRACE(r.name);
        job_fsm fsm(true);
        EXPECT_EQ(run(fsm, r.events), r.last);
        EXPECT_EQ(fsm.state(), r.state);
    }
}

TEST(job_fsm, disabled_job_starts_halted)
{
    job_fsm fsm(false);
    EXPECT_EQ(fsm.state(), job_state::halted);
    EXPECT_EQ(fsm.next(), acts({wait_forever}));
    EXPECT_EQ(fsm.trigger(), refused("the job is halted; resume it first"));
    EXPECT_EQ(fsm.resume(), acts({notify(job_state::idle)}));
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(true)}));
}

TEST(job_fsm, disabled_job_without_the_lock_resumes_to_standby)
{
    job_fsm fsm(false);
    EXPECT_EQ(fsm.set_active(false), nothing());
    EXPECT_EQ(fsm.state(), job_state::halted);
    EXPECT_EQ(fsm.resume(), acts({notify(job_state::standby)}));
    EXPECT_EQ(fsm.set_active(true), acts({notify(job_state::idle)}));
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(true)}));
}

TEST(job_fsm, fatal_outranks_a_later_halt)
{
    job_fsm fsm(true);
    run(fsm, running({ev::fatal}));
    EXPECT_EQ(fsm.halt(), acts({cancel(cancel_reason::halt)}));
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::stop_event, true, true}),
              ended(cycle_outcome::failed, {notify(job_state::failed)}));
    EXPECT_EQ(fsm.resume(), acts({notify(job_state::idle)}));
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(true)}));
}

TEST(job_fsm, fatal_outranks_a_later_shutdown)
{
    job_fsm fsm(true);
    run(fsm, running({ev::fatal, ev::stop}));
    // Even if the shell's context missed the fatal, the fsm remembers it.
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::stop_event, false, false}),
              ended(cycle_outcome::failed, {notify(job_state::stopped)}));
    EXPECT_EQ(fsm.next(), acts({exit_loop}));
}

TEST(job_fsm, halt_holds_even_when_the_body_or_the_deadline_wins_the_race)
{
    job_fsm body(true);
    run(body, running({ev::halt}));
    EXPECT_EQ(body.cycle_ended({cycle_winner::body, false, false}),
              ended(cycle_outcome::ok, {notify(job_state::halted)}));

    job_fsm deadline(true);
    run(deadline, running({ev::halt}));
    EXPECT_EQ(deadline.cycle_ended({cycle_winner::deadline, false, false}),
              ended(cycle_outcome::timeout, {notify(job_state::halted)}));
}

TEST(job_fsm, halt_then_shutdown_mid_cycle_is_halted_and_stopped)
{
    job_fsm fsm(true);
    run(fsm, running({ev::halt}));
    EXPECT_EQ(fsm.stop(), acts({cancel(cancel_reason::shutdown)}));
    EXPECT_EQ(fsm.halt(), acts({cancel(cancel_reason::halt)}));
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::stop_event, false, false}),
              ended(cycle_outcome::halted, {notify(job_state::stopped)}));
}

TEST(job_fsm, halt_of_one_cycle_does_not_leak_into_the_next)
{
    job_fsm fsm(true);
    run(fsm, running({ev::halt, ev::end_stop, ev::resume, ev::next}));
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::body, false, false}),
              ended(cycle_outcome::ok, {notify(job_state::idle)}));
}

TEST(job_fsm, trigger_while_running_is_refused_and_not_queued)
{
    job_fsm fsm(true);
    run(fsm, running());
    EXPECT_EQ(fsm.trigger(), refused("a cycle of this job is already running"));
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::body, false, false}),
              ended(cycle_outcome::ok, {notify(job_state::idle)}));
    EXPECT_FALSE(fsm.trigger_pending());
    EXPECT_EQ(fsm.next(), acts({wait_tick}));
}

TEST(job_fsm, request_cycle_while_running_runs_right_after)
{
    job_fsm fsm(true);
    run(fsm, running());
    EXPECT_EQ(fsm.request_cycle(), nothing());
    EXPECT_TRUE(fsm.trigger_pending());
    run(fsm, {ev::end_ok});
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(false)}));
}

TEST(job_fsm, request_cycle_is_ignored_when_halted_or_failed)
{
    job_fsm halted(true);
    run(halted, idle({ev::halt, ev::request}));
    EXPECT_FALSE(halted.trigger_pending());

    job_fsm failed_job(true);
    run(failed_job, failed({ev::request}));
    EXPECT_FALSE(failed_job.trigger_pending());
}

TEST(job_fsm, lost_lock_mid_cycle_cancels_and_goes_to_standby)
{
    job_fsm fsm(true);
    run(fsm, running());
    EXPECT_EQ(fsm.set_active(false), acts({cancel(cancel_reason::lost_lock)}));
    EXPECT_EQ(fsm.trigger(), refused("a cycle of this job is already running"));
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::stop_event, false, false}),
              ended(cycle_outcome::cancelled, {notify(job_state::standby)}));
    EXPECT_EQ(fsm.next(), acts({wait_forever}));
    EXPECT_EQ(fsm.set_active(true), acts({notify(job_state::idle)}));
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(false)}));
}

TEST(job_fsm, lock_regained_before_the_cancelled_cycle_ends_runs_again)
{
    job_fsm fsm(true);
    run(fsm, running({ev::lock_lost, ev::lock_gained}));
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::stop_event, false, false}),
              ended(cycle_outcome::cancelled, {notify(job_state::idle)}));
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(false)}));
}

TEST(job_fsm, failed_start_up_check_is_fatal_and_resume_reruns_it)
{
    job_fsm fsm(true);
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(true)}));
    // The shell reports the failed check as a fatal error.
    EXPECT_EQ(fsm.fatal_reported(), acts({cancel(cancel_reason::fatal)}));
    EXPECT_EQ(fsm.cycle_ended({cycle_winner::body, true, true}),
              ended(cycle_outcome::failed, {notify(job_state::failed)}));
    EXPECT_EQ(fsm.resume(), acts({notify(job_state::idle)}));
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(true)}));
}

TEST(job_fsm, fatal_after_passed_checks_reruns_them_after_resume)
{
    job_fsm fsm(true);
    run(fsm, idle({ev::tick, ev::next, ev::end_fatal, ev::resume}));
    EXPECT_EQ(fsm.next(), acts({notify(job_state::running), start(true)}));
}

TEST(job_fsm, stop_while_idle_exits)
{
    job_fsm fsm(true);
    run(fsm, idle());
    EXPECT_EQ(fsm.stop(), acts({notify(job_state::stopped)}));
    EXPECT_EQ(fsm.next(), acts({exit_loop}));
    EXPECT_EQ(fsm.resume(), refused("the job is stopped, not halted or failed"));
}

TEST(job_fsm, stop_before_the_loop_starts_exits_at_once)
{
    job_fsm fsm(true);
    EXPECT_EQ(fsm.stop(), acts({notify(job_state::stopped)}));
    EXPECT_EQ(fsm.next(), acts({exit_loop}));
}

TEST(job_fsm, actions_print_readably)
{
    std::ostringstream os;
    os << ended(cycle_outcome::halted,
                {cancel(cancel_reason::lost_lock), start(true), notify(job_state::halted)});
    EXPECT_EQ(os.str(),
              "{outcome: halted, actions: [cancel_cycle(lost_lock), start_cycle(with start-up checks), "
              "notify_state(halted)]}");
    std::ostringstream refusal;
    refusal << refused("no");
    EXPECT_EQ(refusal.str(), "{refused: \"no\", actions: []}");
}

}  // namespace
