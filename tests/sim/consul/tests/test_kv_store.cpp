// Unit tests of consul-sim's KV table: index rules, CAS, locks, deletes, lock-delay.
#include <gtest/gtest.h>

#include "kv_store.hpp"

using csim::kv_store;
using namespace std::chrono_literals;

TEST(consul_kv_store, set_creates_then_updates_and_skips_identical_writes)
{
    kv_store kv;
    auto& created = kv.set(10, "a", "v1", 3);
    EXPECT_EQ(created.create_index, 10u);
    EXPECT_EQ(created.modify_index, 10u);
    // The same value and flags again: Consul's state store skips the write.
    EXPECT_EQ(kv.set(11, "a", "v1", 3).modify_index, 10u);
    EXPECT_EQ(kv.table_index(), 10u);
    auto& updated = kv.set(12, "a", "v2", 3);
    EXPECT_EQ(updated.create_index, 10u);
    EXPECT_EQ(updated.modify_index, 12u);
    // Changing only the flags is a change.
    EXPECT_EQ(kv.set(13, "a", "v2", 4).modify_index, 13u);
}

TEST(consul_kv_store, counts_the_value_bytes_of_every_write)
{
    kv_store kv;
    EXPECT_EQ(kv.value_bytes_written(), 0u);
    kv.set(1, "a", "12345", 0);
    kv.set(2, "a", "12345", 0);  // skipped by the store, still sent by the client
    EXPECT_TRUE(kv.cas(3, "b", "xy", 0, 0));
    EXPECT_EQ(kv.value_bytes_written(), 12u);
}

TEST(consul_kv_store, cas_zero_creates_only_and_nonzero_needs_matching_index)
{
    kv_store kv;
    EXPECT_TRUE(kv.cas(5, "k", "x", 0, 0));
    EXPECT_FALSE(kv.cas(6, "k", "y", 0, 0));
    EXPECT_FALSE(kv.cas(7, "k", "y", 0, 4));
    EXPECT_TRUE(kv.cas(8, "k", "y", 0, 5));
    EXPECT_EQ(kv.get("k")->value, "y");
    EXPECT_FALSE(kv.cas(9, "missing", "y", 0, 5));
}

TEST(consul_kv_store, lock_counts_acquisitions_and_refuses_other_sessions)
{
    kv_store kv;
    EXPECT_TRUE(kv.lock(5, "l", "v", 0, "s1"));
    EXPECT_EQ(kv.get("l")->lock_index, 1u);
    EXPECT_EQ(kv.get("l")->session, "s1");
    // Re-acquiring by the holder keeps LockIndex; another session is refused.
    EXPECT_TRUE(kv.lock(6, "l", "v2", 0, "s1"));
    EXPECT_EQ(kv.get("l")->lock_index, 1u);
    EXPECT_FALSE(kv.lock(7, "l", "v3", 0, "s2"));
    EXPECT_FALSE(kv.unlock(8, "l", "v", 0, "s2"));
    EXPECT_TRUE(kv.unlock(9, "l", "v", 0, "s1"));
    EXPECT_EQ(kv.get("l")->session, "");
    EXPECT_EQ(kv.get("l")->lock_index, 1u);
    EXPECT_TRUE(kv.lock(10, "l", "v", 0, "s2"));
    EXPECT_EQ(kv.get("l")->lock_index, 2u);
}

TEST(consul_kv_store, plain_set_keeps_the_lock_holder)
{
    kv_store kv;
    kv.lock(5, "l", "v", 0, "s1");
    kv.set(6, "l", "other", 0);
    EXPECT_EQ(kv.get("l")->session, "s1");
    EXPECT_EQ(kv.get("l")->value, "other");
}

TEST(consul_kv_store, indexes_follow_entries_and_tombstones)
{
    kv_store kv;
    kv.set(5, "app/a", "1", 0);
    kv.set(6, "app/b", "1", 0);
    kv.set(7, "other", "1", 0);
    EXPECT_EQ(kv.key_index("app/a"), 5u);
    EXPECT_EQ(kv.key_index("missing"), 7u);
    EXPECT_EQ(kv.prefix_index("app/"), 6u);
    EXPECT_EQ(kv.prefix_index(""), 7u);
    kv.del(8, "app/b");
    // The tombstone keeps the prefix index moving forward after a delete.
    EXPECT_EQ(kv.prefix_index("app/"), 8u);
    EXPECT_EQ(kv.prefix_index("nothing/"), 8u);
}

TEST(consul_kv_store, keys_cut_at_separator_and_deduplicate)
{
    kv_store kv;
    for (auto k : {"web/bar", "web/foo", "web/subdir/x", "web/subdir/y", "webx"})
        kv.set(5, k, "v", 0);
    EXPECT_EQ(kv.keys("web/", "/"), (std::vector<std::string>{"web/bar", "web/foo", "web/subdir/"}));
    EXPECT_EQ(kv.keys("web", "/"), (std::vector<std::string>{"web/", "webx"}));
    EXPECT_EQ(kv.keys("web/", "").size(), 4u);
}

TEST(consul_kv_store, delete_variants)
{
    kv_store kv;
    kv.set(5, "a/1", "v", 0);
    kv.set(6, "a/2", "v", 0);
    kv.set(7, "b", "v", 0);
    EXPECT_FALSE(kv.del_cas(8, "b", 6));
    EXPECT_TRUE(kv.del_cas(9, "b", 7));
    EXPECT_TRUE(kv.del_cas(10, "b", 7));  // already gone: true, as Consul answers
    EXPECT_EQ(kv.del_tree(11, "a/"), (std::vector<std::string>{"a/1", "a/2"}));
    EXPECT_EQ(kv.size(), 0u);
    EXPECT_FALSE(kv.del(12, "a/1"));
}

TEST(consul_kv_store, invalidation_releases_or_deletes_and_starts_lock_delay)
{
    kv_store kv;
    auto now = csim::clock::now();
    kv.lock(5, "r", "v", 0, "s1");
    kv.lock(6, "d", "v", 0, "s2");
    auto released = kv.invalidate_session(7, "s1", false, now + 15s);
    EXPECT_EQ(released, std::vector<std::string>{"r"});
    EXPECT_EQ(kv.get("r")->session, "");
    EXPECT_EQ(kv.get("r")->modify_index, 7u);
    EXPECT_TRUE(kv.lock_delayed("r", now + 1s));
    EXPECT_FALSE(kv.lock_delayed("r", now + 16s));
    kv.invalidate_session(8, "s2", true, now);
    EXPECT_EQ(kv.get("d"), nullptr);
}
