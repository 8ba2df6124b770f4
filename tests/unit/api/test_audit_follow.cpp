// api/model/audit_follow: the outcome of a change is the cycle that carried it out (a trigger, an approval)
// or the procedure it queued (a rekey), written once known and joined to the request by id.
#include "api/model/audit_follow.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace vk;
using namespace vk::api;
namespace json = boost::json;

namespace {

ended_cycle cycle_of(std::string job, std::uint64_t id, std::int64_t start_ms, std::string outcome = "ok",
                     json::object status = {})
{
    return {std::move(job),   id, start_ms, std::move(outcome), "", "2026-12-04T10:00:00.000Z",
            std::move(status)};
}

json::object procedure_status(std::string state, std::string current)
{
    return {{"procedure", {{"state", std::move(state)}, {"current", {{"id", std::move(current)}}}}}};
}

json::object parsed_line(const std::string& line)
{
    return json::parse(line).as_object();
}

}  // namespace

TEST(audit_follow, a_trigger_is_settled_by_the_first_cycle_that_started_after_it)
{
    audit_follow f;
    EXPECT_TRUE(f.file(4, "j1", follow_up::next_cycle, 1000, R"({"name":"j1"})", "t").empty());
    EXPECT_TRUE(f.awaits("j1"));
    EXPECT_TRUE(f.cycle_ended(cycle_of("j2", 9, 2000)).empty()) << "another job's cycle";
    EXPECT_TRUE(f.cycle_ended(cycle_of("j1", 6, 900)).empty()) << "a cycle already running at the request";
    auto lines = f.cycle_ended(cycle_of("j1", 7, 1001, "failed"));
    ASSERT_EQ(lines.size(), 1u);
    auto o = parsed_line(lines[0]);
    EXPECT_EQ(o.at("event"), "outcome");
    EXPECT_EQ(o.at("id"), 4);
    EXPECT_EQ(o.at("job"), "j1");
    EXPECT_EQ(o.at("cycle"), 7);
    EXPECT_EQ(o.at("result"), "failed");
    EXPECT_FALSE(f.awaits("j1"));
    EXPECT_TRUE(f.cycle_ended(cycle_of("j1", 8, 3000)).empty()) << "settled once";
}

TEST(audit_follow, a_rekey_is_followed_over_cycles_until_the_procedure_is_idle)
{
    audit_follow f;
    f.file(5, "keeper", follow_up::procedure, 1000, R"({"job":"keeper","queued":true,"planned":"set-2"})",
           "t");
    EXPECT_TRUE(
        f.cycle_ended(cycle_of("keeper", 3, 1100, "failed", procedure_status("started", "set-1"))).empty());
    auto lines = f.cycle_ended(cycle_of("keeper", 4, 1200, "ok", procedure_status("idle", "set-2")));
    ASSERT_EQ(lines.size(), 1u);
    auto o = parsed_line(lines[0]);
    EXPECT_EQ(o.at("result"), "rekeyed");
    EXPECT_EQ(o.at("cycles"), (json::array{3, 4}));
    EXPECT_EQ(o.at("planned"), "set-2");
    EXPECT_EQ(o.at("current"), "set-2");
}

TEST(audit_follow, a_rekey_that_ends_on_another_set_did_not_happen)
{
    audit_follow f;
    f.file(6, "keeper", follow_up::procedure, 0, R"({"planned":"set-3"})", "t");
    auto lines = f.cycle_ended(cycle_of("keeper", 1, 5, "ok", procedure_status("idle", "set-2")));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(parsed_line(lines[0]).at("result"), "not_rekeyed");
}

TEST(audit_follow, nothing_is_awaited_for_an_answer_that_is_the_outcome)
{
    audit_follow f;
    f.file(1, "j", follow_up::none, 0, "{}", "t");
    f.file(2, "keeper", follow_up::procedure, 0, R"({"queued":false,"step":"update"})",
           "t");  // already running
    EXPECT_EQ(f.awaited(), 0u);
}

TEST(audit_follow, beyond_its_limit_the_oldest_is_given_up_with_an_unknown_outcome)
{
    audit_follow f(2);
    f.file(1, "a", follow_up::next_cycle, 0, "", "t");
    f.file(2, "b", follow_up::next_cycle, 0, "", "t");
    auto given_up = f.file(3, "c", follow_up::next_cycle, 0, "", "t");
    ASSERT_EQ(given_up.size(), 1u);
    auto o = parsed_line(given_up[0]);
    EXPECT_EQ(o.at("id"), 1);
    EXPECT_EQ(o.at("result"), "unknown");
    EXPECT_EQ(f.awaited(), 2u);
    EXPECT_FALSE(f.awaits("a"));
}
