// Giving a threshold of shards to Vault, stepped with plain answers: how many shards are given, what each
// answer means (complete, the wrong key, another failure), and what an unseal makes of it.
#include "keeper/model/threshold_feed.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <vector>

using namespace vk;
using namespace vk::keeper;

namespace {

const error feed_wrong_key = make_error(errc::bad_request, "cipher: message authentication failed");
const error feed_unreachable = make_error(errc::unavailable, "connection refused");
const std::optional<error> feed_accepted;

// Feeds `answers` (feed_accepted: Vault took the shard; it completes at shard `complete_at`, counted from 1)
// until the model stops asking; the outcomes seen.
std::vector<shard_outcome> feed_until_done(int threshold, const std::vector<std::optional<error>>& answers,
                                           int complete_at = 0)
{
    std::vector<shard_outcome> seen;
    threshold_feed f{threshold};
    for (const auto& e : answers)
    {
        if (!wants_shard(f))
            break;
        auto a = after_shard(f, e, f.given + 1 == complete_at);
        f = a.feed;
        seen.push_back(a.outcome);
        if (a.outcome != shard_outcome::more)
            break;
    }
    return seen;
}

shard_set feed_set(std::string id, int threshold)
{
    return {std::move(id), 5, threshold, {"a", "b", "c", "a", "b"}};
}

}  // namespace

TEST(keeper_threshold_feed, gives_at_most_the_threshold_and_stops_when_vault_completes)
{
    using enum shard_outcome;
    EXPECT_EQ(feed_until_done(3, {feed_accepted, feed_accepted, feed_accepted, feed_accepted, feed_accepted}),
              (std::vector{more, more, more}));
    EXPECT_EQ(feed_until_done(3, {feed_accepted, feed_accepted, feed_accepted, feed_accepted}, 2),
              (std::vector{more, complete}));
    EXPECT_EQ(feed_until_done(3, {feed_accepted}), (std::vector{more}));  // ran out of shards
    EXPECT_EQ(feed_until_done(0, {feed_accepted}), (std::vector<shard_outcome>{}));

    threshold_feed f{2};
    EXPECT_TRUE(wants_shard(f));
    EXPECT_FALSE(first_shard_given(f));
    f = after_shard(f, feed_accepted, false).feed;
    EXPECT_TRUE(first_shard_given(f));
    f = after_shard(f, feed_accepted, false).feed;
    EXPECT_FALSE(first_shard_given(f));
    EXPECT_FALSE(wants_shard(f));  // the threshold given without completion
    EXPECT_EQ(f.given, 2);
}

TEST(keeper_threshold_feed, a_refusal_as_the_wrong_key_is_told_from_other_failures)
{
    using enum shard_outcome;
    EXPECT_EQ(feed_until_done(3, {feed_accepted, feed_wrong_key, feed_accepted}),
              (std::vector{more, wrong_key}));
    EXPECT_EQ(feed_until_done(3, {feed_unreachable, feed_accepted}), (std::vector{failed}));
    // An error wins over `complete` (Vault's answer did not arrive).
    EXPECT_EQ(after_shard(threshold_feed{3}, feed_unreachable, true).outcome, failed);
}

TEST(keeper_threshold_feed, unseal_labels_and_when_the_next_set_is_tried)
{
    EXPECT_EQ(unseal_label(shard_outcome::complete), "ok");
    EXPECT_EQ(unseal_label(shard_outcome::wrong_key), "wrong_key");
    EXPECT_EQ(unseal_label(shard_outcome::failed), "failed");
    EXPECT_EQ(unseal_label(shard_outcome::more), "failed");

    EXPECT_TRUE(try_next_set(shard_outcome::wrong_key));
    EXPECT_FALSE(try_next_set(shard_outcome::failed));
    EXPECT_FALSE(try_next_set(shard_outcome::more));
}

TEST(keeper_threshold_feed, sets_are_found_by_id_and_need_a_threshold_readable)
{
    procedure_record r;
    r.current = feed_set("set-2", 3);
    r.previous = feed_set("set-1", 2);
    ASSERT_NE(set_named(r, "set-1"), nullptr);
    EXPECT_EQ(set_named(r, "set-1")->threshold, 2);
    EXPECT_EQ(set_named(r, "set-2")->id, "set-2");
    EXPECT_EQ(set_named(r, "set-3"), nullptr);
    r.planned = feed_set("set-3", 3);  // planned is no set that holds shards yet
    EXPECT_EQ(set_named(r, "set-3"), nullptr);

    EXPECT_TRUE(threshold_readable(*r.current, 3));
    EXPECT_TRUE(threshold_readable(*r.current, 5));
    auto short_of = threshold_readable(*r.current, 2);
    ASSERT_FALSE(short_of);
    EXPECT_TRUE(short_of.error().is(errc::unavailable));
    EXPECT_EQ(short_of.error().message, "only 2 shards of set-2 are readable; 3 needed");
}
