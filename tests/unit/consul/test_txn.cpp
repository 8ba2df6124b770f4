// Consul transactions, pure part: body building (limits, encoding) and 200 / 409 decoding.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "consul/model/txn.hpp"

namespace {
using namespace vk::consul;
namespace json = boost::json;

// A txn op with the fields tests care about (the rest default).
vk::consul::txn_op op(vk::consul::kv_verb v, std::string key, std::string value = {}, std::uint64_t index = 0)
{
    vk::consul::txn_op o;
    o.verb = v;
    o.key = std::move(key);
    o.value = std::move(value);
    o.index = index;
    return o;
}

TEST(consul_txn, body_has_verbs_keys_and_base64_values)
{
    std::vector<txn_op> ops{{kv_verb::set, "a", "hello", 7, 0, ""},
                            {kv_verb::cas, "b", "x", 0, 12, ""},
                            {kv_verb::lock, "c", "v", 0, 0, "s-1"},
                            {kv_verb::remove_cas, "d", "", 0, 5, ""}};
    auto body = build_txn_body(ops);
    ASSERT_TRUE(body);
    auto v = json::parse(*body);
    const auto& arr = v.as_array();
    ASSERT_EQ(arr.size(), 4u);
    EXPECT_EQ(arr[0].at("KV").at("Verb"), "set");
    EXPECT_EQ(arr[0].at("KV").at("Value"), "aGVsbG8=");
    EXPECT_EQ(arr[0].at("KV").at("Flags").to_number<int>(), 7);
    EXPECT_EQ(arr[1].at("KV").at("Index").to_number<int>(), 12);
    EXPECT_EQ(arr[2].at("KV").at("Session"), "s-1");
    EXPECT_EQ(arr[3].at("KV").at("Verb"), "delete-cas");
    EXPECT_EQ(arr[3].at("KV").as_object().if_contains("Value"), nullptr);
}

TEST(consul_txn, refuses_too_many_ops_and_none)
{
    std::vector<txn_op> ops(default_max_txn_ops + 1, op(kv_verb::get, "k"));
    auto r = build_txn_body(ops);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, vk::errc::invalid_argument);
    ops.pop_back();
    EXPECT_TRUE(build_txn_body(ops));
    EXPECT_FALSE(build_txn_body(ops, 10));
    EXPECT_EQ(build_txn_body({}).error().code, vk::errc::invalid_argument);
}

TEST(consul_txn, refuses_a_value_over_the_limit_naming_the_key)
{
    std::vector<txn_op> ops{op(kv_verb::set, "big/key", std::string(max_value_size + 1, 'x'))};
    auto r = build_txn_body(ops);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, vk::errc::too_large);
    EXPECT_NE(r.error().message.find("big/key"), std::string::npos);
}

TEST(consul_txn, decodes_a_commit)
{
    auto r = decode_txn(200, R"({"Results":[{"KV":{"LockIndex":0,"Key":"a","Flags":0,"Value":"aGk=",
        "CreateIndex":3,"ModifyIndex":4}}],"Errors":null})");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->committed);
    ASSERT_EQ(r->results.size(), 1u);
    EXPECT_EQ(r->results[0].value, "hi");
    EXPECT_EQ(r->results[0].modify_index, 4u);
    EXPECT_TRUE(r->errors.empty());
}

TEST(consul_txn, decodes_a_rollback_with_every_error)
{
    auto r = decode_txn(
        409, R"({"Results":null,"Errors":[{"OpIndex":1,"What":"failed to set key \"b\", index is stale"},
        {"OpIndex":3,"What":"key \"d\" doesn't exist"}]})");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->committed);
    EXPECT_TRUE(r->results.empty());
    ASSERT_EQ(r->errors.size(), 2u);
    EXPECT_EQ(r->errors[0].op_index, 1u);
    EXPECT_EQ(r->errors[0].what, "failed to set key \"b\", index is stale");
    EXPECT_EQ(r->errors[1].op_index, 3u);
}

TEST(consul_txn, malformed_answers)
{
    EXPECT_EQ(decode_txn(409, R"({"Results":null,"Errors":null})").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_txn(200, "[]").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_txn(500, "{}").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_txn(200, R"({"Results":[{"Node":{}}]})").error().code, vk::errc::bad_response);
}

// Issue 15: untrusted numbers in a rollback never throw: a negative, fractional or huge OpIndex, or one of
// the wrong type, is a decode error.
TEST(consul_txn, hostile_op_index_is_a_decode_error_not_a_throw)
{
    for (const char* idx : {"-1", "1.5", "1e400", "18446744073709551616", "\"3\"", "[1]", "true"})
    {
        std::string body =
            std::string(R"({"Results":null,"Errors":[{"OpIndex":)") + idx + R"(,"What":"x"}]})";
        vk::result<vk::consul::txn_result> r = vk::make_error(vk::errc::internal, "not run");
        EXPECT_NO_THROW(r = vk::consul::decode_txn(409, body)) << idx;
        EXPECT_FALSE(r.has_value()) << idx;
        if (!r)
            EXPECT_EQ(r.error().code, vk::errc::bad_response) << idx;
    }
}

TEST(consul_txn, hostile_kv_indexes_are_decode_errors)
{
    for (const char* n : {"-5", "0.25", "99999999999999999999999"})
    {
        std::string body = std::string(R"([{"Key":"k","Value":null,"ModifyIndex":)") + n + "}]";
        vk::result<std::vector<vk::consul::kv_entry>> r = vk::make_error(vk::errc::internal, "not run");
        EXPECT_NO_THROW(r = vk::consul::decode_entries(body)) << n;
        EXPECT_FALSE(r.has_value()) << n;
    }
}

}  // namespace
