// Retry backoff with jitter, error classes and the command window.
#include "emissary/model/policy.hpp"

#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

using namespace std::chrono_literals;

TEST(emissary_policy, backoff_doubles_to_the_cap_with_equal_jitter)
{
    backoff_policy p{1000ms, 8000ms};
    EXPECT_EQ(retry_delay(p, 0, fetch_class::missing, 0.0), 500ms);
    EXPECT_EQ(retry_delay(p, 0, fetch_class::missing, 0.999999), 999ms);
    EXPECT_EQ(retry_delay(p, 2, fetch_class::transient, 1.0), 4000ms);
    EXPECT_EQ(retry_delay(p, 10, fetch_class::transient, 1.0), 8000ms);
    EXPECT_EQ(retry_delay(p, 1000, fetch_class::transient, 0.0), 4000ms);
    EXPECT_EQ(retry_delay(p, 0, fetch_class::permanent, 0.0), 8000ms);
}

TEST(emissary_policy, classify)
{
    EXPECT_EQ(classify(errc::not_found), fetch_class::missing);
    EXPECT_EQ(classify(errc::permission_denied), fetch_class::permanent);
    EXPECT_EQ(classify(errc::timeout), fetch_class::transient);
    EXPECT_EQ(classify(errc::server_error), fetch_class::transient);
}

TEST(emissary_policy, command_window_coalesces_changes)
{
    clock_time t0{};
    command_window w({2000ms, 5000ms});
    EXPECT_FALSE(w.due());
    w.changed(t0);
    EXPECT_EQ(w.due(), t0 + 2000ms);
    w.changed(t0 + 1500ms);
    EXPECT_EQ(w.due(), t0 + 3500ms);
    w.changed(t0 + 4000ms);
    EXPECT_EQ(w.due(), t0 + 5000ms);  // never past first + max
    EXPECT_FALSE(w.take(t0 + 4999ms));
    EXPECT_TRUE(w.take(t0 + 5000ms));
    EXPECT_FALSE(w.take(t0 + 6000ms));  // once per window
    command_window now({0ms, 0ms});
    now.changed(t0);
    EXPECT_TRUE(now.take(t0));
}

}  // namespace
}  // namespace vk::emissary
