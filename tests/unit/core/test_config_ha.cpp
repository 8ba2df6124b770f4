// Config of HA: ha.replica_id, given or defaulted to "<hostname>-<pid>"; ha.balance.
#include <gtest/gtest.h>

#include <unistd.h>

#include "core/config.hpp"

namespace {

const vk::kind_parsers ha_no_kinds;

vk::config parse_ha(const std::string& ha)
{
    std::string text = R"({"admin": {"token": "0123456789abcdef"},
        "consuls": {"main": {"address": "http://127.0.0.1:8500"}}, "ha": )" +
                       ha + "}";
    auto r = vk::parse_config(text, "cfg.json", ha_no_kinds);
    if (!r)
        ADD_FAILURE() << r.error().render();
    return r ? std::move(*r) : vk::config{};
}

TEST(config_ha, replica_id_as_given)
{
    auto cfg = parse_ha(R"({"consul": "main", "key": "vk/locks", "replica_id": "replica-a"})");
    ASSERT_TRUE(cfg.ha);
    EXPECT_EQ(cfg.ha->replica_id, "replica-a");
}

TEST(config_ha, replica_id_defaults_to_hostname_and_pid)
{
    auto cfg = parse_ha(R"({"consul": "main", "key": "vk/locks"})");
    ASSERT_TRUE(cfg.ha);
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
    EXPECT_EQ(cfg.ha->replica_id, std::string(host) + "-" + std::to_string(::getpid()));
}

TEST(config_ha, empty_replica_id_is_a_problem)
{
    std::string text = R"({"admin": {"token": "0123456789abcdef"},
        "consuls": {"main": {"address": "http://127.0.0.1:8500"}},
        "ha": {"consul": "main", "key": "vk/locks", "replica_id": ""}})";
    auto r = vk::parse_config(text, "cfg.json", ha_no_kinds);
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().problems.size(), 1u);
    EXPECT_EQ(r.error().problems[0].pointer, "/ha/replica_id");
}

}  // namespace

namespace {

TEST(config_ha, balance_is_on_unless_turned_off)
{
    EXPECT_TRUE(parse_ha(R"({"consul": "main", "key": "vk/locks"})").ha->balance);
    EXPECT_FALSE(parse_ha(R"({"consul": "main", "key": "vk/locks", "balance": false})").ha->balance);
    std::string text = R"({"admin": {"token": "0123456789abcdef"},
        "consuls": {"main": {"address": "http://127.0.0.1:8500"}},
        "ha": {"consul": "main", "key": "vk/locks", "balance": "yes"}})";
    auto r = vk::parse_config(text, "cfg.json", ha_no_kinds);
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().problems.size(), 1u);
    EXPECT_EQ(r.error().problems[0].pointer, "/ha/balance");
}

}  // namespace
