// Unit tests of consul-sim's session table and session invalidation across KV.
#include <gtest/gtest.h>

#include "state.hpp"
#include "wire.hpp"

using namespace csim;
using namespace std::chrono_literals;

TEST(consul_sessions, ttl_expiry_is_twice_the_ttl_and_renew_resets_it)
{
    session_store store;
    auto now = clock::now();
    session s;
    s.ttl = "10s";
    s.ttl_duration = 10s;
    auto id = store.create(5, s, now).id;
    EXPECT_EQ(id.size(), 36u);
    EXPECT_TRUE(store.expired(now + 19s).empty());
    EXPECT_EQ(store.expired(now + 20s), std::vector<std::string>{id});
    ASSERT_NE(store.renew(id, now + 15s), nullptr);
    EXPECT_TRUE(store.expired(now + 34s).empty());
    EXPECT_EQ(store.renew("unknown", now), nullptr);
}

TEST(consul_sessions, invalidation_releases_locks_with_lock_delay)
{
    state st;
    auto now = clock::now();
    session s;
    s.lock_delay = 5s;
    auto id = st.sessions.create(st.next_index(), s, now).id;
    st.kv.lock(st.next_index(), "lock", "v", 0, id);
    EXPECT_EQ(st.invalidate(id, now), std::vector<std::string>{"lock"});
    EXPECT_EQ(st.sessions.find(id), nullptr);
    EXPECT_EQ(st.kv.get("lock")->session, "");
    EXPECT_TRUE(st.kv.lock_delayed("lock", now + 4s));
    EXPECT_FALSE(st.kv.lock_delayed("lock", now + 6s));
    EXPECT_TRUE(st.invalidate(id, now).empty());
}

TEST(consul_sessions, delete_behavior_removes_held_keys)
{
    state st;
    session s;
    s.behavior = "delete";
    auto id = st.sessions.create(st.next_index(), s, clock::now()).id;
    st.kv.lock(st.next_index(), "lock", "v", 0, id);
    st.invalidate(id, clock::now());
    EXPECT_EQ(st.kv.get("lock"), nullptr);
}

TEST(consul_wire, entry_json_has_consul_field_order_and_omits_empty_session)
{
    std::string out;
    append_entry(out, dir_entry{"web/<x>", "test", 2, 0, "", 100, 200});
    EXPECT_EQ(
        out,
        R"({"LockIndex":0,"Key":"web/\u003cx\u003e","Flags":2,"Value":"dGVzdA==","CreateIndex":100,"ModifyIndex":200})");
    out.clear();
    append_entry(out, dir_entry{"k", "", 0, 1, "s", 1, 2});
    EXPECT_EQ(
        out,
        R"({"LockIndex":1,"Key":"k","Flags":0,"Value":null,"Session":"s","CreateIndex":1,"ModifyIndex":2})");
}

TEST(consul_wire, conflicting_flags_query_is_sorted_and_escaped)
{
    std::map<std::string, std::string, std::less<>> q{{"release", "a b"}, {"cas", "1"}};
    EXPECT_EQ(encode_query(q), "cas=1&release=a+b");
}
