// The HA lock's pure decisions: the key's value, when a holder counts its lock as lost, and how a replica
// that waits for the lock tells a live holder from one whose session is left to expire.
#include "core/lock_watch.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using vk::holder_watch;
using vk::lock_clock;
using vk::lock_state;

namespace {
const lock_clock::time_point t0 = lock_clock::time_point{} + 100s;
}

TEST(lock_value, holder_and_beat_round_trip_and_foreign_values_are_names)
{
    auto v = vk::encode_lock_value("replica-a", 7);
    EXPECT_EQ(v, R"({"holder":"replica-a","beat":7})");
    EXPECT_EQ(vk::holder_in_lock_value(v), "replica-a");
    EXPECT_NE(vk::encode_lock_value("replica-a", 8), v);  // Consul skips identical writes: each beat differs
    EXPECT_EQ(vk::holder_in_lock_value("replica-a"), "replica-a");    // an older vaultkeeper's value
    EXPECT_EQ(vk::holder_in_lock_value(R"({"x":1})"), R"({"x":1})");  // not ours: shown as is
    EXPECT_EQ(vk::holder_in_lock_value(R"({"holder":3})"), R"({"holder":3})");
}

TEST(lock_loss, counts_three_quarters_of_the_ttl_from_the_renewal_sent)
{
    EXPECT_EQ(vk::loss_deadline(t0, 10s), t0 + 7500ms);
    EXPECT_EQ(vk::loss_deadline(t0, 20s), t0 + 15s);
}

TEST(holder_watch, a_holder_that_keeps_writing_is_unheld_here_and_named)
{
    holder_watch w(10s);
    EXPECT_EQ(w.view(t0).state, lock_state::unheld);
    EXPECT_EQ(w.view(t0).holder, "");
    w.saw("s1", vk::encode_lock_value("r1", 1), 10, t0);
    for (int i = 1; i <= 10; ++i)  // a beat every 5 s: never a TTL without a change
        w.saw("s1", vk::encode_lock_value("r1", i + 1), 10 + i, t0 + i * 5s);
    auto v = w.view(t0 + 59s);
    EXPECT_EQ(v.state, lock_state::unheld);
    EXPECT_EQ(v.holder, "r1");
    EXPECT_EQ(v.waiting_for, "");
}

TEST(holder_watch, one_ttl_without_a_change_is_expiring_and_names_whom_it_waits_for)
{
    holder_watch w(10s);
    w.saw("s1", vk::encode_lock_value("r1", 4), 40, t0);
    w.saw("s1", vk::encode_lock_value("r1", 4), 40, t0 + 9s);  // a blocking read that timed out
    EXPECT_EQ(w.view(t0 + 9999ms).state, lock_state::unheld);
    auto v = w.view(t0 + 10s);
    EXPECT_EQ(v.state, lock_state::expiring);
    EXPECT_EQ(v.holder, "");
    EXPECT_EQ(v.waiting_for, "r1");
    // It comes back (renewals resumed): alive again.
    w.saw("s1", vk::encode_lock_value("r1", 5), 41, t0 + 11s);
    EXPECT_EQ(w.view(t0 + 11s).state, lock_state::unheld);
    EXPECT_EQ(w.view(t0 + 11s).holder, "r1");
}

TEST(holder_watch, a_new_session_restarts_the_count_and_a_free_key_or_an_error_knows_nobody)
{
    holder_watch w(10s);
    w.saw("s1", vk::encode_lock_value("r1", 1), 40, t0);
    w.saw("s2", vk::encode_lock_value("r2", 1), 40, t0 + 9s);  // same index, another holder: a change
    EXPECT_EQ(w.view(t0 + 15s).state, lock_state::unheld);
    EXPECT_EQ(w.view(t0 + 15s).holder, "r2");
    w.saw("", vk::encode_lock_value("r2", 1), 41, t0 + 16s);  // released
    EXPECT_EQ(w.view(t0 + 60s).state, lock_state::unheld);
    EXPECT_EQ(w.view(t0 + 60s).holder, "");
    w.saw("s3", vk::encode_lock_value("r3", 1), 42, t0 + 61s);
    w.forget();  // Consul could not be read
    EXPECT_EQ(w.view(t0 + 90s).state, lock_state::unheld);
    EXPECT_EQ(w.view(t0 + 90s).holder, "");
    EXPECT_EQ(std::string(vk::to_string(lock_state::expiring)), "expiring");
}
