// The lease state machine stepped by hand: renew at ~2/3 with jitter, renew again while Vault grants the
// increment, re-fetch when it grants less (the max TTL), when a renewal fails, when the lease is not
// renewable or when the token changed; and when a replaced lease may be revoked.
#include "emissary/model/lease.hpp"

#include <gtest/gtest.h>

namespace vk::emissary {
namespace {
using std::chrono::seconds;

const clock_time t0 = clock_time{} + std::chrono::hours(1);

lease_info lease_of(seconds ttl, bool renewable = true)
{
    return lease_info{"database/creds/app/abc", ttl, renewable};
}

TEST(emissary_lease, a_renewable_lease_is_renewed_at_two_thirds_of_its_ttl_less_jitter)
{
    lease_schedule l(lease_of(seconds(90)), t0, 0.0);
    EXPECT_EQ(l.action(), lease_action::renew);
    EXPECT_EQ(l.due(), t0 + seconds(60));
    EXPECT_EQ(l.expires(), t0 + seconds(90));
    EXPECT_EQ(l.increment(), seconds(90));
    lease_schedule jittered(lease_of(seconds(90)), t0, 0.5);
    EXPECT_EQ(jittered.due(), t0 + std::chrono::milliseconds(55500));
}

TEST(emissary_lease, granted_the_increment_it_renews_again_from_the_answer)
{
    lease_schedule l(lease_of(seconds(90)), t0, 0.0);
    const auto at = t0 + seconds(60);
    l.renewed(seconds(90), at, 0.0);
    EXPECT_EQ(l.action(), lease_action::renew);
    EXPECT_EQ(l.reason(), lease_reason::scheduled);
    EXPECT_EQ(l.due(), at + seconds(60));
    EXPECT_EQ(l.expires(), at + seconds(90));
    EXPECT_EQ(l.renewals(), 1u);
}

TEST(emissary_lease, granted_less_than_asked_means_the_max_ttl_and_a_refetch_at_two_thirds_of_the_rest)
{
    lease_schedule l(lease_of(seconds(90)), t0, 0.0);
    const auto at = t0 + seconds(60);
    l.renewed(seconds(30), at, 0.0);
    EXPECT_EQ(l.action(), lease_action::refetch);
    EXPECT_EQ(l.reason(), lease_reason::max_ttl);
    EXPECT_EQ(l.due(), at + seconds(20));
    EXPECT_EQ(l.expires(), at + seconds(30));
    EXPECT_EQ(l.increment(), seconds(90));  // what was asked stays the first TTL
}

TEST(emissary_lease, a_failed_renewal_refetches_at_once)
{
    lease_schedule l(lease_of(seconds(90)), t0, 0.0);
    const auto at = t0 + seconds(60);
    l.renewed(std::nullopt, at, 0.0);
    EXPECT_EQ(l.action(), lease_action::refetch);
    EXPECT_EQ(l.reason(), lease_reason::renew_failed);
    EXPECT_EQ(l.due(), at);
    EXPECT_EQ(l.renewals(), 0u);
}

TEST(emissary_lease, a_lease_that_is_not_renewable_is_replaced_at_its_renewal_point)
{
    lease_schedule l(lease_of(seconds(30), false), t0, 0.0);
    EXPECT_EQ(l.action(), lease_action::refetch);
    EXPECT_EQ(l.reason(), lease_reason::not_renewable);
    EXPECT_EQ(l.due(), t0 + seconds(20));
}

TEST(emissary_lease, a_new_token_refetches_at_once)
{
    lease_schedule l(lease_of(seconds(90)), t0, 0.0);
    l.token_changed(t0 + seconds(5));
    EXPECT_EQ(l.action(), lease_action::refetch);
    EXPECT_EQ(l.reason(), lease_reason::token_changed);
    EXPECT_EQ(l.due(), t0 + seconds(5));
}

TEST(emissary_lease, a_restored_lease_keeps_asking_for_its_first_increment)
{
    lease_schedule l(lease_of(seconds(40)), t0, 0.0, seconds(90));
    EXPECT_EQ(l.increment(), seconds(90));
    l.renewed(seconds(40), t0 + seconds(10), 0.0);
    EXPECT_EQ(l.reason(), lease_reason::max_ttl);
}

TEST(emissary_lease, a_whole_lifetime_stepped_renews_until_the_max_ttl_then_refetches)
{
    // Vault: ttl 3 s, max ttl 8 s. Renewals at 2 s grant 3 s until fewer than 3 s remain.
    lease_schedule l(lease_of(seconds(3)), t0, 0.0);
    const auto max = t0 + seconds(8);
    int renewals = 0;
    while (l.action() == lease_action::renew)
    {
        const auto now = l.due();
        l.renewed(std::min(seconds(3), std::chrono::duration_cast<seconds>(max - now)), now, 0.0);
        ++renewals;
    }
    EXPECT_EQ(renewals, 3);  // at 2 s, 4 s and 6 s (which grants only 2 s)
    EXPECT_EQ(l.reason(), lease_reason::max_ttl);
    EXPECT_LT(l.due(), max);
}

TEST(emissary_lease, an_old_lease_is_revoked_only_once_its_replacement_is_in_use)
{
    EXPECT_FALSE(revoke_now(true, false, false));  // not rendered yet
    EXPECT_FALSE(revoke_now(true, true, true));    // rendered, the command has not run yet
    EXPECT_TRUE(revoke_now(true, true, false));
    EXPECT_FALSE(revoke_now(false, true, false));  // revoke_old off: left to expire
}

}  // namespace
}  // namespace vk::emissary
