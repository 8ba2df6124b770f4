// The job's coroutine shell on a real io_context with the "test" job kind: deadlines, halt and shutdown
// cancel every coroutine of a cycle, the timer ticks, start-up checks and exceptions reach the cycle's
// record. Which transition follows which event is job_fsm's, unit-tested in tests/unit/runtime.
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <gtest/gtest.h>

#include "async_test.hpp"
#include "runtime/job.hpp"
#include "test_kind.hpp"

namespace {
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using vk::runtime::cycle_outcome;
using vk::runtime::job;
using vk::runtime::job_state;
using vk::runtime::test_kind_live_children;
using vk::runtime::test_kind_settings;
using vk::test::eventually;

struct recorder : vk::runtime::job_observer
{
    std::vector<vk::runtime::severity> reports;
    std::vector<job_state> states;
    int cycles_ended = 0;
    void on_state(const job& j) override { states.push_back(j.state()); }
    void on_cycle_end(const job&, const vk::runtime::cycle_record&) override { ++cycles_ended; }
    void on_report(const job&, const vk::runtime::cycle_context&, vk::runtime::severity s,
                   const vk::error&) override
    {
        reports.push_back(s);
    }
    std::vector<std::chrono::milliseconds> background_errors;
    void on_background_error(const job&, const vk::error&, std::chrono::milliseconds retry_in) override
    {
        background_errors.push_back(retry_in);
    }
};

vk::job_config make_config(test_kind_settings s, vk::duration interval = 1h, vk::duration timeout = 5s)
{
    vk::job_config c;
    c.name = "t1";
    c.kind = "test";
    c.interval = interval;
    c.timeout = timeout;
    c.settings = std::make_shared<test_kind_settings>(std::move(s));
    return c;
}

std::unique_ptr<job> make_job(boost::asio::any_io_executor ex, vk::job_config cfg, recorder& rec)
{
    vk::runtime::job_services svc{ex, {}};
    auto body = vk::runtime::make_test_kind().create(cfg, svc);
    if (!body)
        body = vk::runtime::make_unbuilt_body(body.error());  // what job_set does
    return std::make_unique<job>(ex, std::move(cfg), std::move(*body), &rec);
}

test_kind_settings sleeping(vk::duration sleep, int children)
{
    test_kind_settings s;
    s.sleep = sleep;
    s.children = children;
    return s;
}

// Runs j.run() alongside driver(); the driver must end with j.stop().
boost::asio::awaitable<void> with_running(job& j, const std::function<boost::asio::awaitable<void>()>& driver)
{
    co_await (j.run() && driver());
}

const vk::runtime::cycle_record& last(const job& j)
{
    return j.history().back();
}

ASYNC_TEST(job_runtime, deadline_cancels_cycle_and_all_its_children)
{
    recorder rec;
    auto j =
        make_job(co_await boost::asio::this_coro::executor, make_config(sleeping(30s, 8), 1h, 200ms), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually([&] { return test_kind_live_children == 8; }));
        EXPECT_TRUE(co_await eventually([&] { return j->history().size() == 1; }, 3s));
        EXPECT_EQ(test_kind_live_children, 0);
        EXPECT_EQ(last(*j).outcome, cycle_outcome::timeout);
        EXPECT_EQ(j->state(), job_state::idle);
        j->stop();
    });
    EXPECT_EQ(j->state(), job_state::stopped);
}

ASYNC_TEST(job_runtime, halt_mid_cycle_cancels_its_children_and_resume_runs_a_new_cycle)
{
    recorder rec;
    auto j = make_job(co_await boost::asio::this_coro::executor, make_config(sleeping(30s, 3)), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually(
            [&] { return j->state() == job_state::running && test_kind_live_children == 3; }));
        EXPECT_TRUE(j->halt().ok);
        EXPECT_TRUE(co_await eventually([&] { return j->state() == job_state::halted; }));
        EXPECT_EQ(test_kind_live_children, 0);
        EXPECT_EQ(last(*j).outcome, cycle_outcome::halted);
        EXPECT_TRUE(j->resume().ok);
        EXPECT_TRUE(co_await eventually([&] { return j->state() == job_state::running; }));
        EXPECT_EQ(j->current()->id, 2u);
        j->stop();
    });
    EXPECT_EQ(last(*j).outcome, cycle_outcome::cancelled);
    EXPECT_EQ(test_kind_live_children, 0);
}

// HA's lost lock: standby cancels the cycle, and cycle_finished() returns once it ended with everything it
// started (the lock waits for it before letting its session go).
ASYNC_TEST(job_runtime, cycle_finished_waits_for_the_cancelled_cycle_and_its_children)
{
    recorder rec;
    auto j = make_job(co_await boost::asio::this_coro::executor, make_config(sleeping(30s, 3)), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually(
            [&] { return j->state() == job_state::running && test_kind_live_children == 3; }));
        j->set_active(false);
        EXPECT_NE(j->current(), nullptr);  // the cancellation is under way, not done
        co_await j->cycle_finished();
        EXPECT_EQ(j->current(), nullptr);
        EXPECT_EQ(test_kind_live_children, 0);
        EXPECT_EQ(last(*j).outcome, cycle_outcome::cancelled);
        EXPECT_EQ(j->state(), job_state::standby);
        co_await j->cycle_finished();  // no cycle: at once
        j->stop();
    });
}

ASYNC_TEST(job_runtime, failed_start_up_check_is_fatal_and_resume_retries_it)
{
    recorder rec;
    auto s = sleeping(1ms, 0);
    s.fail_start = true;
    auto j = make_job(co_await boost::asio::this_coro::executor, make_config(s), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually([&] { return j->state() == job_state::failed; }));
        EXPECT_NE(last(*j).error.find("start-up check failed"), std::string::npos);
        EXPECT_TRUE(j->resume().ok);
        EXPECT_TRUE(co_await eventually([&] { return j->history().size() == 2; }));
        EXPECT_EQ(j->state(), job_state::failed);
        j->stop();
    });
}

ASYNC_TEST(job_runtime, a_job_its_kind_could_not_build_fails_with_the_factorys_error)
{
    recorder rec;
    auto s = sleeping(1ms, 0);
    s.fail_setup = true;
    auto j = make_job(co_await boost::asio::this_coro::executor, make_config(s), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually([&] { return j->state() == job_state::failed; }));
        EXPECT_NE(last(*j).error.find("its client cannot be built"), std::string::npos);
        EXPECT_NE(j->body().setup_error(), nullptr);  // what the kind routes answer 503 with
        auto status = j->body().status();
        EXPECT_TRUE(status.contains("setup_error") &&
                    status.at("setup_error").as_string().find("fail_setup") != std::string::npos);
        EXPECT_TRUE(j->resume().ok);  // a resume asks again, and gets the same answer
        EXPECT_TRUE(co_await eventually([&] { return j->history().size() == 2; }));
        EXPECT_EQ(j->state(), job_state::failed);
        j->stop();
    });
}

ASYNC_TEST(job_runtime, the_interval_timer_starts_the_next_cycle)
{
    recorder rec;
    auto s = sleeping(1ms, 2);
    s.fail = "error";
    auto j = make_job(co_await boost::asio::this_coro::executor, make_config(s, 100ms), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually([&] { return j->history().size() == 2; }, 4s));
        EXPECT_EQ(j->history()[1].outcome, cycle_outcome::failed);
        EXPECT_EQ(j->history()[1].errors, 1u);
        EXPECT_GE(j->history()[1].start - j->history()[0].start, 100ms);
        j->stop();
    });
}

ASYNC_TEST(job_runtime, exception_in_a_body_fails_the_cycle_with_an_internal_error)
{
    recorder rec;
    auto s = sleeping(1ms, 1);
    s.fail = "throw";
    auto j = make_job(co_await boost::asio::this_coro::executor, make_config(s), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually([&] { return j->history().size() == 1; }));
        EXPECT_EQ(last(*j).outcome, cycle_outcome::failed);
        EXPECT_NE(last(*j).error.find("internal: unexpected exception"), std::string::npos);
        EXPECT_EQ(j->state(), job_state::idle);
        j->stop();
    });
}

ASYNC_TEST(job_runtime, shutdown_under_load_leaves_no_coroutine)
{
    std::vector<std::unique_ptr<recorder>> recs;
    std::vector<std::unique_ptr<job>> jobs;
    auto ex = co_await boost::asio::this_coro::executor;
    for (int i = 0; i < 4; ++i)
    {
        recs.push_back(std::make_unique<recorder>());
        jobs.push_back(make_job(ex, make_config(sleeping(1h, 50)), *recs.back()));
    }
    auto stopper = [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually([&] { return test_kind_live_children == 200; }));
        for (auto& j : jobs)
            j->stop();
    };
    co_await (jobs[0]->run() && jobs[1]->run() && jobs[2]->run() && jobs[3]->run() && stopper());
    EXPECT_EQ(test_kind_live_children, 0);
    for (auto& j : jobs)
    {
        EXPECT_EQ(j->state(), job_state::stopped);
        EXPECT_EQ(last(*j).outcome, cycle_outcome::cancelled);
    }
}

ASYNC_TEST(job_runtime, history_keeps_the_last_hundred_cycles)
{
    recorder rec;
    auto j = make_job(co_await boost::asio::this_coro::executor, make_config(sleeping(0ms, 0)), rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        for (int i = 0; i < 104; ++i)
        {
            EXPECT_TRUE(co_await eventually([&] { return j->state() == job_state::idle; }));
            j->trigger();
            co_await vk::test::sleep_for(0ms);
        }
        EXPECT_TRUE(co_await eventually([&] { return rec.cycles_ended == 105; }));
        EXPECT_EQ(j->history().size(), 100u);
        EXPECT_EQ(j->history().front().id, 6u);
        EXPECT_NE(j->find_cycle(105), nullptr);
        EXPECT_EQ(j->find_cycle(5), nullptr);
        j->stop();
    });
}

}  // namespace

namespace {

// A body whose background work throws on its first run, then lives like the default (waits for cancellation).
struct flaky_background_body : vk::runtime::job_body
{
    int background_starts = 0;
    boost::asio::awaitable<void> run_cycle(vk::runtime::cycle_context&) override { co_return; }
    boost::asio::awaitable<void> background(const std::function<void()>& request_cycle) override
    {
        if (++background_starts == 1)
            throw std::runtime_error("watch crashed");
        co_await job_body::background(request_cycle);
    }
};

}  // namespace

// Issue 15: background work that throws is restarted with backoff and counted; it never ends the job.
ASYNC_TEST(job_runtime, background_work_that_throws_is_restarted_and_counted)
{
    recorder rec;
    auto ex = co_await boost::asio::this_coro::executor;
    auto body = std::make_unique<flaky_background_body>();
    auto* flaky = body.get();
    auto j = std::make_unique<job>(ex, make_config(sleeping(0ms, 0)), std::move(body), &rec);
    co_await with_running(*j, [&]() -> boost::asio::awaitable<void> {
        EXPECT_TRUE(co_await eventually([&] { return flaky->background_starts == 2; }, 10s));
        EXPECT_EQ(rec.background_errors, std::vector<std::chrono::milliseconds>{1000ms});
        EXPECT_TRUE(j->trigger().ok) << "the job still runs cycles";
        EXPECT_TRUE(co_await eventually([&] { return j->history().size() >= 2; }));
        j->stop();
    });
}
