// Unit tests of sim_common's pure helpers: Go durations, base64, CLI flags, faults and route keys.
#include <gtest/gtest.h>

#include "common/faults.hpp"
#include "common/util.hpp"

using namespace std::chrono_literals;

TEST(sim_common_go_duration, parses_go_forms)
{
    EXPECT_EQ(simc::parse_go_duration("10s"), 10s);
    EXPECT_EQ(simc::parse_go_duration("15000ms"), 15s);
    EXPECT_EQ(simc::parse_go_duration("1m30s"), 90s);
    EXPECT_EQ(simc::parse_go_duration("1.5h"), 90min);
    EXPECT_EQ(simc::parse_go_duration("0"), 0s);
    EXPECT_EQ(simc::parse_go_duration("-2s"), -2s);
    EXPECT_EQ(simc::parse_go_duration("250us"), 250us);
}

TEST(sim_common_go_duration, rejects_what_go_rejects)
{
    EXPECT_FALSE(simc::parse_go_duration(""));
    EXPECT_FALSE(simc::parse_go_duration("10"));
    EXPECT_FALSE(simc::parse_go_duration("10x"));
    EXPECT_FALSE(simc::parse_go_duration("s"));
}

TEST(sim_common_go_duration, formats_like_go)
{
    EXPECT_EQ(simc::format_go_duration(15s), "15s");
    EXPECT_EQ(simc::format_go_duration(90s), "1m30s");
    EXPECT_EQ(simc::format_go_duration(24h), "24h0m0s");
    EXPECT_EQ(simc::format_go_duration(1500ms), "1.5s");
    EXPECT_EQ(simc::format_go_duration(250ms), "250ms");
    EXPECT_EQ(simc::format_go_duration(0s), "0s");
}

TEST(sim_common_base64, round_trips_all_padding_lengths)
{
    EXPECT_EQ(simc::base64_encode("test"), "dGVzdA==");
    EXPECT_EQ(simc::base64_encode("te"), "dGU=");
    EXPECT_EQ(simc::base64_encode("tes"), "dGVz");
    EXPECT_EQ(simc::base64_encode(""), "");
    std::string binary("\x00\xff\x10\x80", 4);
    EXPECT_EQ(simc::base64_decode(simc::base64_encode(binary)), binary);
    EXPECT_EQ(simc::base64_decode("dGVzdA=="), "test");
}

TEST(sim_common_base64, rejects_malformed)
{
    EXPECT_FALSE(simc::base64_decode("dGVzdA="));
    EXPECT_FALSE(simc::base64_decode("dG*zdA=="));
    EXPECT_FALSE(simc::base64_decode("dG=zdA=="));
}

TEST(sim_common_cli_flags, parses_both_spellings_and_rejects_unknown)
{
    const char* argv[] = {"sim", "--listen", "127.0.0.1:8500", "--latency=2ms", "--verbose"};
    std::string error;
    auto flags = simc::cli_flags::parse(5, const_cast<char**>(argv), {"listen", "latency", "verbose"}, error);
    ASSERT_TRUE(flags);
    EXPECT_EQ(flags->get("listen"), "127.0.0.1:8500");
    EXPECT_EQ(flags->get("latency"), "2ms");
    EXPECT_EQ(flags->get("verbose"), "true");
    EXPECT_EQ(flags->get_or("datacenter", "dc1"), "dc1");
    const char* bad[] = {"sim", "--nope", "1"};
    EXPECT_FALSE(simc::cli_flags::parse(3, const_cast<char**>(bad), {"listen"}, error));
    EXPECT_EQ(error, "unknown flag: --nope");
}

TEST(sim_common_faults, failure_rules_are_consumed_by_matching_requests_only)
{
    simc::fault_injector f;
    f.add_failure({"PUT", "/v1/kv/", 503, 2, "1", std::nullopt});
    EXPECT_FALSE(f.take_failure("GET", "/v1/kv/a"));
    EXPECT_FALSE(f.take_failure("PUT", "/v1/txn"));
    auto hit = f.take_failure("PUT", "/v1/kv/a");
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->status, 503u);
    EXPECT_TRUE(f.take_failure("PUT", "/v1/kv/b"));
    EXPECT_FALSE(f.take_failure("PUT", "/v1/kv/c"));
}

// Issue 10 (interrupted saves): "fail the second /v1/txn of a save" needs a rule that lets matches through
// first.
TEST(sim_common_faults, a_rule_with_skip_lets_that_many_matches_through_first)
{
    simc::fault_injector f;
    f.add_failure({"PUT", "/v1/txn", 500, 1, std::nullopt, std::nullopt, 1});
    EXPECT_FALSE(f.take_failure("PUT", "/v1/txn"));
    EXPECT_TRUE(f.take_failure("PUT", "/v1/txn"));
    EXPECT_FALSE(f.take_failure("PUT", "/v1/txn"));
}

TEST(sim_common_faults, drops_counters_and_reset)
{
    simc::fault_injector f;
    f.drop_next(1);
    EXPECT_TRUE(f.take_drop());
    EXPECT_FALSE(f.take_drop());
    f.count(simc::route_key("GET", "/v1/kv/a/b", 2));
    f.count(simc::route_key("GET", "/v1/kv", 2));
    EXPECT_EQ(f.counters().at("GET /v1/kv"), 2u);
    f.set_latency(5ms);
    f.reset();
    EXPECT_TRUE(f.counters().empty());
    EXPECT_EQ(f.latency(), 0ms);
}

TEST(sim_common_route_key, keeps_requested_segments)
{
    EXPECT_EQ(simc::route_key("GET", "/v1/sys/health", 3), "GET /v1/sys/health");
    EXPECT_EQ(simc::route_key("GET", "/v1/sys/health", 2), "GET /v1/sys");
    EXPECT_EQ(simc::route_key("PUT", "/v1/txn", 2), "PUT /v1/txn");
}

TEST(sim_common_split_host_port, splits_and_validates)
{
    auto hp = simc::split_host_port("127.0.0.1:8500");
    ASSERT_TRUE(hp);
    EXPECT_EQ(hp->first, "127.0.0.1");
    EXPECT_EQ(hp->second, 8500);
    EXPECT_FALSE(simc::split_host_port("127.0.0.1"));
    EXPECT_FALSE(simc::split_host_port("127.0.0.1:99999"));
}
