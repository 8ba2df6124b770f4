// Unit tests of consul-sim's /v1/txn decoding, limits and all-or-nothing execution.
#include <gtest/gtest.h>

#include "txn.hpp"

using namespace csim;

namespace {

std::vector<txn_op> parse_ok(std::string_view body)
{
    auto parsed = parse_txn(body);
    if (auto* r = std::get_if<txn_rejection>(&parsed))
    {
        ADD_FAILURE() << r->message;
        return {};
    }
    return std::get<std::vector<txn_op>>(parsed);
}

txn_rejection rejected(std::string_view body)
{
    auto parsed = parse_txn(body);
    if (auto* r = std::get_if<txn_rejection>(&parsed))
        return *r;
    ADD_FAILURE() << "accepted";
    return {0, ""};
}

}  // namespace

TEST(consul_txn_parse, decodes_kv_ops_case_insensitively_and_base64_values)
{
    auto ops = parse_ok(
        R"([{"KV":{"Verb":"set","Key":"k","Value":"aGk=","Flags":7}},{"kv":{"verb":"cas","key":"k","index":3}}])");
    ASSERT_EQ(ops.size(), 2u);
    EXPECT_EQ(ops[0].value, "hi");
    EXPECT_EQ(ops[0].flags, 7u);
    EXPECT_EQ(ops[1].verb, "cas");
    EXPECT_EQ(ops[1].index, 3u);
}

TEST(consul_txn_parse, limits_and_bad_input)
{
    std::string body = "[";
    for (int i = 0; i < 129; ++i)
        body += std::string(i ? "," : "") + R"({"KV":{"Verb":"get","Key":"k"}})";
    body += "]";
    auto too_many = rejected(body);
    EXPECT_EQ(too_many.status, 413u);
    EXPECT_EQ(too_many.message, "Transaction contains too many operations (129 > 128)");
    EXPECT_EQ(rejected("{").status, 400u);
    EXPECT_EQ(rejected(R"([{"KV":{"Verb":"set","Key":"k","Value":"**"}}])").message,
              "Failed to parse body: illegal base64 data at input byte 0");
}

TEST(consul_txn_run, commits_all_ops_and_returns_entries_without_values_for_writes)
{
    state st;
    auto out = run_txn(
        st, parse_ok(R"([{"KV":{"Verb":"set","Key":"a","Value":"MQ=="}},{"KV":{"Verb":"get","Key":"a"}}])"));
    ASSERT_TRUE(out.errors.empty());
    ASSERT_EQ(out.results.size(), 2u);
    EXPECT_FALSE(out.results[0].with_value);
    EXPECT_TRUE(out.results[1].with_value);
    EXPECT_EQ(out.results[1].entry.value, "1");
    EXPECT_EQ(st.kv.get("a")->modify_index, st.index);
}

TEST(consul_txn_run, any_failure_rolls_back_and_lists_every_failing_op)
{
    state st;
    st.kv.set(st.next_index(), "held", "v", 0);
    auto before = st.kv.get("held")->modify_index;
    auto ops = parse_ok(R"([{"KV":{"Verb":"set","Key":"new","Value":"MQ=="}},
        {"KV":{"Verb":"cas","Key":"held","Value":"MQ==","Index":1}},
        {"KV":{"Verb":"check-not-exists","Key":"held"}},
        {"KV":{"Verb":"get","Key":"missing"}},
        {"KV":{"Verb":"check-index","Key":"held","Index":4}},
        {"KV":{"Verb":"unlock","Key":"held","Session":"s"}},
        {"KV":{"Verb":"frob","Key":"x"}}])");
    auto out = run_txn(st, ops);
    ASSERT_EQ(out.errors.size(), 6u);
    EXPECT_TRUE(out.results.empty());
    EXPECT_EQ(out.errors[0].op_index, 1u);
    EXPECT_EQ(out.errors[0].what, R"(failed to set key "held", index is stale)");
    EXPECT_EQ(out.errors[1].what, R"(key "held" exists)");
    EXPECT_EQ(out.errors[2].what, R"(key "missing" doesn't exist)");
    EXPECT_EQ(out.errors[3].what, "failed index check for key \"held\", current modify index " +
                                      std::to_string(before) + " != 4");
    EXPECT_EQ(out.errors[4].what,
              R"(failed to unlock key "held", lock isn't held, or is held by another session)");
    EXPECT_EQ(out.errors[5].what, R"(unknown KV verb "frob")");
    EXPECT_EQ(st.kv.get("new"), nullptr);
}

TEST(consul_txn_run, lock_needs_a_live_session)
{
    state st;
    auto out = run_txn(st, parse_ok(R"([{"KV":{"Verb":"lock","Key":"l","Session":"nope"}}])"));
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].what, R"(invalid session "nope")");
    session s;
    s.node = "n";
    auto id = st.sessions.create(st.next_index(), s, clock::now()).id;
    auto ok =
        run_txn(st, parse_ok(R"([{"KV":{"Verb":"lock","Key":"l","Session":")" + id +
                             R"("}},{"KV":{"Verb":"check-session","Key":"l","Session":")" + id + R"("}}])"));
    EXPECT_TRUE(ok.errors.empty());
    EXPECT_EQ(st.kv.get("l")->session, id);
}

TEST(consul_txn_run, read_only_transactions_do_not_advance_the_index)
{
    state st;
    auto before = st.index;
    auto ops = parse_ok(R"([{"KV":{"Verb":"get-tree","Key":""}},{"KV":{"Verb":"get-or-empty","Key":"x"}}])");
    EXPECT_TRUE(read_only(ops));
    auto out = run_txn(st, ops);
    EXPECT_TRUE(out.errors.empty());
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].entry.key, "x");
    EXPECT_EQ(st.index, before);
}

// The undo log puts back everything a failed transaction changed: overwritten values, deleted keys (and
// their tombstones), a deleted tree, the table index, and the bytes-written counter.
TEST(consul_txn_run, a_rollback_restores_overwrites_deletes_and_indexes)
{
    state st;
    st.kv.set(st.next_index(), "a", "1", 0);
    st.kv.set(st.next_index(), "t/x", "2", 0);
    st.kv.set(st.next_index(), "t/y", "3", 0);
    const auto table = st.kv.table_index();
    const auto prefix = st.kv.prefix_index("t/");
    const auto written = st.kv.value_bytes_written();
    auto ops = parse_ok(R"([{"KV":{"Verb":"set","Key":"a","Value":"OQ=="}},
        {"KV":{"Verb":"set","Key":"a","Value":"OA=="}},
        {"KV":{"Verb":"delete-tree","Key":"t/"}},
        {"KV":{"Verb":"set","Key":"t/x","Value":"Nw=="}},
        {"KV":{"Verb":"set","Key":"b","Value":"Ng=="}},
        {"KV":{"Verb":"check-not-exists","Key":"a"}}])");
    auto out = run_txn(st, ops);
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(st.kv.get("a")->value, "1");
    EXPECT_EQ(st.kv.get("t/x")->value, "2");
    EXPECT_EQ(st.kv.get("t/y")->value, "3");
    EXPECT_EQ(st.kv.get("b"), nullptr);
    EXPECT_EQ(st.kv.size(), 3u);
    EXPECT_EQ(st.kv.table_index(), table);
    EXPECT_EQ(st.kv.prefix_index("t/"), prefix);
    EXPECT_EQ(st.kv.prefix_index("b"), table);
    EXPECT_EQ(st.kv.value_bytes_written(), written);

    // And a committed one keeps all of it, with no undo left to replay later.
    auto ok = parse_ok(R"([{"KV":{"Verb":"set","Key":"a","Value":"OQ=="}},
        {"KV":{"Verb":"delete","Key":"t/y"}}])");
    ASSERT_TRUE(run_txn(st, ok).errors.empty());
    st.kv.rollback();
    EXPECT_EQ(st.kv.get("a")->value, "9");
    EXPECT_EQ(st.kv.get("t/y"), nullptr);
}
