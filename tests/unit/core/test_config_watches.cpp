// consuls.<name>.max_blocking_queries: the emissary's cap of blocking queries per Consul agent.
#include <gtest/gtest.h>

#include "../config_problems.hpp"

namespace {

const char* admin = R"({"admin": {"token": "0123456789abcdef"}, "consuls": )";

TEST(config_watches, max_blocking_queries_defaults_to_100_and_is_read_per_consul)
{
    auto r = vk::parse_config(std::string(admin) + R"({"c": {"address": "http://127.0.0.1:3"},
                                                       "d": {"address": "http://127.0.0.1:4",
                                                             "max_blocking_queries": 7}}})",
                              "cfg.json", {});
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(r->consuls.at("c").max_blocking_queries, 100u);
    EXPECT_EQ(r->consuls.at("d").max_blocking_queries, 7u);
}

TEST(config_watches, max_blocking_queries_below_one_names_the_field)
{
    auto p = vk::test::config_problems_of(std::string(admin) + R"({"c": {"address": "http://127.0.0.1:3",
                                                                          "max_blocking_queries": 0}}})",
                                          {});
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "/consuls/c/max_blocking_queries: must be between 1 and 4096");
}

}  // namespace
