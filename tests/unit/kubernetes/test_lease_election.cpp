// The Lease election stepped by hand, as client-go's tryAcquireOrRenew decides: create when absent, wait
// while a foreign holder's Lease has not expired on our clock, take over after, renew keeping acquireTime and
// leaseTransitions, stop leading renew_deadline after the last good renewal, release with no holder; and
// the Lease's JSON both ways.
#include "kubernetes/model/lease_election.hpp"
#include "kubernetes/model/lease_wire.hpp"

#include <gtest/gtest.h>

namespace vk::kubernetes {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;
using what = election_step::what;

const election_clock::time_point t0{};

lease_election alice()
{
    return lease_election({"alice", seconds(15), seconds(10), seconds(2)});
}

lease_read held_by(std::string holder, std::string rv, long long transitions = 0)
{
    return {lease_spec{std::move(holder), 15, "a", "r", transitions}, std::move(rv)};
}

TEST(kubernetes_lease_election, an_absent_lease_is_created_and_then_held)
{
    auto e = alice();
    auto step = e.after_read({}, t0, "w0");
    EXPECT_EQ(step.kind, what::create);
    EXPECT_EQ(step.spec, (lease_spec{"alice", 15, "w0", "w0", 0}));
    EXPECT_FALSE(e.leading(t0));
    e.written(true, "7", t0);
    EXPECT_TRUE(e.leading(t0 + seconds(9)));
    EXPECT_FALSE(e.leading(t0 + seconds(10)));  // renew_deadline without a renewal
}

TEST(kubernetes_lease_election, a_foreign_lease_is_waited_for_until_it_expires_on_our_clock)
{
    auto e = alice();
    EXPECT_EQ(e.after_read(held_by("bob", "5"), t0, "w0").kind, what::wait);
    EXPECT_EQ(e.holder_seen(), "bob");
    // Unchanged for 14 s: still bob's (expiry counts from when we first saw this spec, not its renewTime).
    auto step = e.after_read(held_by("bob", "5"), t0 + seconds(14), "w14");
    EXPECT_EQ(step.kind, what::wait);
    EXPECT_EQ(step.held_by, "bob");
    // bob renewed (the spec changed): the clock starts again.
    auto renewed = held_by("bob", "6");
    renewed.spec->renew_time = "r2";
    EXPECT_EQ(e.after_read(renewed, t0 + seconds(14), "w14").kind, what::wait);
    EXPECT_EQ(e.after_read(renewed, t0 + seconds(28), "w28").kind, what::wait);
    step = e.after_read(renewed, t0 + seconds(29), "w29");
    ASSERT_EQ(step.kind, what::update);  // expired: taken over with bob's resourceVersion as precondition
    EXPECT_EQ(step.resource_version, "6");
    EXPECT_EQ(step.spec, (lease_spec{"alice", 15, "w29", "w29", 1}));
}

TEST(kubernetes_lease_election, a_released_lease_is_taken_at_once)
{
    auto e = alice();
    auto step = e.after_read(held_by("", "9", 3), t0, "w0");
    ASSERT_EQ(step.kind, what::update);
    EXPECT_EQ(step.spec.transitions, 4);
}

TEST(kubernetes_lease_election, renewals_keep_acquire_time_and_transitions_and_a_lost_race_is_not_held)
{
    auto e = alice();
    e.after_read(held_by("", "1", 2), t0, "w0");
    e.written(true, "2", t0);
    auto renew = e.renewal("w2");
    EXPECT_EQ(renew.resource_version, "2");
    EXPECT_EQ(renew.spec, (lease_spec{"alice", 15, "w0", "w2", 3}));
    e.written(true, "3", t0 + seconds(2));
    EXPECT_TRUE(e.leading(t0 + seconds(11)));
    // A read that shows our own Lease renews it (same acquireTime).
    auto again = e.after_read({lease_spec{"alice", 15, "w0", "w2", 3}, "3"}, t0 + seconds(4), "w4");
    EXPECT_EQ(again.spec, (lease_spec{"alice", 15, "w0", "w4", 3}));
    // 409s from here on: no renewal succeeds, leadership ends renew_deadline after the last good one.
    e.written(false, "", t0 + seconds(6));
    EXPECT_TRUE(e.leading(t0 + seconds(11)));
    EXPECT_FALSE(e.leading(t0 + seconds(12)));
}

TEST(kubernetes_lease_election, a_takeover_seen_while_holding_ends_leadership_at_once)
{
    auto e = alice();
    e.after_read({}, t0, "w0");
    e.written(true, "1", t0);
    EXPECT_EQ(e.after_read(held_by("bob", "4"), t0 + seconds(1), "w1").kind, what::wait);
    EXPECT_FALSE(e.leading(t0 + seconds(1)));
}

TEST(kubernetes_lease_election, release_hands_the_lease_back_for_an_immediate_takeover)
{
    auto e = alice();
    e.after_read({}, t0, "w0");
    e.written(true, "1", t0);
    auto r = e.release("w5");
    EXPECT_EQ(r.kind, what::update);
    EXPECT_EQ(r.resource_version, "1");
    EXPECT_EQ(r.spec, (lease_spec{"", 1, "w5", "w5", 0}));
    e.written(true, "2", t0 + seconds(5));
    EXPECT_FALSE(e.leading(t0 + seconds(5)));
}

TEST(kubernetes_lease_election, retries_jitter_up_to_one_point_two_times_the_period)
{
    EXPECT_EQ(jittered_retry(milliseconds(2000), 0.0), milliseconds(2000));
    EXPECT_EQ(jittered_retry(milliseconds(2000), 0.5), milliseconds(3200));
    EXPECT_LT(jittered_retry(milliseconds(2000), 0.999), milliseconds(4400));
}

TEST(kubernetes_lease_election, micro_time_is_utc_with_microseconds)
{
    const auto t = std::chrono::system_clock::time_point(std::chrono::microseconds(1733400000123456LL));
    EXPECT_EQ(micro_time(t), "2024-12-05T12:00:00.123456Z");
}

TEST(kubernetes_lease_wire, a_lease_reads_back_what_was_written)
{
    election_step s{what::update, lease_spec{"alice", 15, "a", "r", 2}, "41", ""};
    auto text = encode_lease("vaultkeeper-sync", "vault", s);
    auto back = decode_lease(text);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(back->resource_version, "41");
    EXPECT_EQ(*back->spec, s.spec);
    EXPECT_NE(text.find("\"apiVersion\":\"coordination.k8s.io/v1\""), std::string::npos);
    EXPECT_NE(text.find("\"namespace\":\"vault\""), std::string::npos);
    EXPECT_EQ(encode_lease("x", "y", {what::create, {}, "", ""}).find("resourceVersion"), std::string::npos);
}

TEST(kubernetes_lease_wire, absent_fields_are_zero_and_bad_bodies_are_errors)
{
    auto empty = decode_lease(R"({"metadata":{"name":"x","resourceVersion":"3"},"spec":{}})");
    ASSERT_TRUE(empty);
    EXPECT_EQ(*empty->spec, lease_spec{});
    EXPECT_FALSE(decode_lease("[]"));
    EXPECT_FALSE(decode_lease(R"({"spec":{}})"));
    auto bad = decode_lease(R"({"metadata":{},"spec":{"leaseDurationSeconds":"15"}})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("leaseDurationSeconds"), std::string::npos);
    EXPECT_EQ(lease_name("vaultkeeper-", "sync-a.b"), "vaultkeeper-sync-a.b");
    const auto upper = lease_name("vaultkeeper-", "Sync_A");
    EXPECT_EQ(upper.substr(0, 19), "vaultkeeper-sync-a-");
    EXPECT_EQ(upper.size(), 19u + 8u);
    EXPECT_NE(upper, lease_name("vaultkeeper-", "sync_a"));
    EXPECT_EQ(lease_path("vault", "vaultkeeper-a"),
              "/apis/coordination.k8s.io/v1/namespaces/vault/leases/vaultkeeper-a");
}

}  // namespace
}  // namespace vk::kubernetes
