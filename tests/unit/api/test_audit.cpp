// api/model/audit: the request and answer lines as JSON (never a token, only the identifying fields of a
// body), and denials counted per minute, route, peer and reason.
#include "api/model/audit.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace vk::api;
namespace json = boost::json;

TEST(audit_lines, a_request_line_names_who_and_what_and_only_identifying_fields)
{
    audit_request r{7,
                    "2026-12-04T10:00:00.000Z",
                    "sync-oncall",
                    "token",
                    "10.0.0.5:51234",
                    "POST",
                    "/v1/sync/{name}/approve-deletes",
                    "west",
                    identifying_fields(R"({"plan":"p-123","token":"hvs.SECRET","nested":{"a":1}})")};
    auto line = request_line(r);
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
    auto v = json::parse(line).as_object();
    EXPECT_EQ(v.at("event"), "request");
    EXPECT_EQ(v.at("id"), 7);
    EXPECT_EQ(v.at("token"), "sync-oncall");
    EXPECT_EQ(v.at("route"), "/v1/sync/{name}/approve-deletes");
    EXPECT_EQ(v.at("job"), "west");
    EXPECT_EQ(v.at("fields"), (json::object{{"plan", "p-123"}}));
    EXPECT_EQ(line.find("hvs.SECRET"), std::string::npos);
    EXPECT_FALSE(v.contains("credential"));  // a token: the usual case goes unsaid
}

TEST(audit_lines, a_request_without_job_or_fields_leaves_them_out)
{
    audit_request r{1,
                    "t",
                    "deployer",
                    "client_certificate",
                    "127.0.0.1:1",
                    "PUT",
                    "/v1/log-level",
                    "",
                    identifying_fields("not json")};
    auto v = json::parse(request_line(r)).as_object();
    EXPECT_FALSE(v.contains("job"));
    EXPECT_FALSE(v.contains("fields"));
    EXPECT_EQ(v.at("credential"), "client_certificate");
}

TEST(audit_lines, an_answer_line_carries_the_status_and_the_outcome)
{
    auto ok =
        json::parse(answer_line(3, "t", 202, R"({"job":"k","queued":true,"planned":"set-2"})")).as_object();
    EXPECT_EQ(ok.at("event"), "answer");
    EXPECT_EQ(ok.at("status"), 202);
    EXPECT_EQ(ok.at("outcome"), (json::object{{"planned", "set-2"}, {"queued", true}}));
    auto refused =
        json::parse(
            answer_line(4, "t", 409, R"({"error":{"code":"conflict","message":"plan p-1 is not held"}})"))
            .as_object();
    EXPECT_EQ(refused.at("outcome"), "plan p-1 is not held");
    EXPECT_FALSE(json::parse(answer_line(5, "t", 200, "")).as_object().contains("outcome"));
}

TEST(audit_lines, the_webhook_gets_a_change_as_one_object_with_its_answer)
{
    audit_request r{9,
                    "t0",
                    "ops",
                    "token",
                    "127.0.0.1:5",
                    "POST",
                    "/v1/keeper/{name}/rekey",
                    "keeper",
                    identifying_fields("")};
    auto o = change_event(r, "t1", 202, R"({"job":"keeper","queued":true,"planned":"set-2","secret":"x"})");
    EXPECT_EQ(o.at("event"), "change");
    EXPECT_EQ(o.at("id"), 9);
    EXPECT_EQ(o.at("token"), "ops");
    EXPECT_EQ(o.at("route"), "/v1/keeper/{name}/rekey");
    EXPECT_EQ(o.at("answered"), "t1");
    EXPECT_EQ(o.at("status"), 202);
    EXPECT_EQ(o.at("outcome"), (json::object{{"planned", "set-2"}, {"queued", true}}));
}

TEST(audit_denials, counted_per_minute_route_peer_and_reason_and_written_once_the_minute_is_over)
{
    denial_tally t;
    for (int i = 0; i < 3; ++i)
        t.add(100, "/v1/jobs", "10.0.0.9", "unknown_token");
    t.add(100, "/v1/jobs/{name}/halt", "10.0.0.9", "missing_scope");
    t.add(101, "/v1/jobs", "10.0.0.9", "unknown_token");
    EXPECT_TRUE(t.take_before(100).empty());  // minute 100 is not over yet
    auto lines = t.take_before(101);
    ASSERT_EQ(lines.size(), 2u);
    auto first = json::parse(lines[0]).as_object();
    EXPECT_EQ(first.at("event"), "denied");
    EXPECT_EQ(first.at("route"), "/v1/jobs");
    EXPECT_EQ(first.at("reason"), "unknown_token");
    EXPECT_EQ(first.at("count"), 3);
    EXPECT_EQ(first.at("minute"), "1970-01-01T01:40:00.000Z");
    EXPECT_EQ(json::parse(lines[1]).as_object().at("count"), 1);
    EXPECT_FALSE(t.empty());  // minute 101 stays
    EXPECT_EQ(t.take_before(INT64_MAX).size(), 1u);
    EXPECT_TRUE(t.empty());
}
