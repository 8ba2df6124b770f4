// The lease state file: round trips with and without a state_key, data never written without one, and a
// changed file, another key or another job's file refused with the lease ids still known where they can be.
#include "emissary/model/lease_store.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vk::emissary {
namespace {
using std::chrono::seconds;

const std::string hex_key(64, 'a');

std::optional<secret> store_key(const std::string& text = hex_key)
{
    auto raw = decode_state_key(text);
    return raw ? std::optional<secret>(secret(*raw)) : std::nullopt;
}

std::vector<stored_lease> store_sample()
{
    return {stored_lease{"db", "database/creds/app", "database/creds/app/x1", 1000, seconds(60), seconds(60),
                         true,
                         boost::json::parse(R"({"username":"user-one-in-clear","password":"p-secret"})")}};
}

TEST(emissary_lease_store, state_key_is_32_bytes_in_hex_or_base64)
{
    EXPECT_EQ(decode_state_key(hex_key)->size(), 32u);
    EXPECT_EQ(decode_state_key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")->size(), 32u);
    EXPECT_FALSE(decode_state_key("short"));
    EXPECT_FALSE(decode_state_key(std::string(64, 'z')));
}

TEST(emissary_lease_store, with_a_key_the_answers_round_trip_sealed_and_never_in_clear)
{
    auto text = encode_lease_state("web", store_sample(), store_key());
    ASSERT_TRUE(text);
    EXPECT_EQ(text->find("p-secret"), std::string::npos);
    EXPECT_EQ(text->find("user-one-in-clear"),
              std::string::npos);  // long enough never to occur in base64 by chance
    auto back = decode_lease_state("web", *text, store_key());
    ASSERT_TRUE(back.state) << back.failure->why.message;
    EXPECT_EQ(back.state->leases, store_sample());
    // a random nonce per write: the same state seals differently
    EXPECT_NE(*text, *encode_lease_state("web", store_sample(), store_key()));
}

TEST(emissary_lease_store, without_a_key_only_the_lease_ids_and_timing_are_kept)
{
    auto text = encode_lease_state("web", store_sample(), std::nullopt);
    ASSERT_TRUE(text);
    EXPECT_EQ(text->find("p-secret"), std::string::npos);
    auto back = decode_lease_state("web", *text, std::nullopt);
    ASSERT_TRUE(back.state);
    ASSERT_EQ(back.state->leases.size(), 1u);
    EXPECT_EQ(back.state->leases[0].lease_id, "database/creds/app/x1");
    EXPECT_FALSE(back.state->leases[0].data);
    EXPECT_FALSE(reusable(back.state->leases[0], 1001));
}

TEST(emissary_lease_store, a_changed_file_or_another_key_is_refused_with_its_lease_ids)
{
    auto text = *encode_lease_state("web", store_sample(), store_key());
    auto other = decode_lease_state("web", text, store_key(std::string(64, 'b')));
    ASSERT_TRUE(other.failure);
    EXPECT_EQ(other.failure->plain_ids, std::vector<std::string>{"database/creds/app/x1"});
    EXPECT_NE(other.failure->why.message.find("do not open"), std::string::npos);
    auto pos = text.find("\"sealed\":\"") + 12;
    text[pos] = text[pos] == 'A' ? 'B' : 'A';
    auto tampered = decode_lease_state("web", text, store_key());
    ASSERT_TRUE(tampered.failure);
    EXPECT_EQ(tampered.failure->plain_ids.size(), 1u);
    EXPECT_TRUE(decode_lease_state("web", "{not json", store_key()).failure);
    auto elsewhere = decode_lease_state("api", *encode_lease_state("web", store_sample(), std::nullopt), {});
    ASSERT_TRUE(elsewhere.failure);
    EXPECT_TRUE(elsewhere.failure->plain_ids.empty());  // another job's leases are not ours to revoke
}

TEST(emissary_lease_store, an_answer_is_reused_only_before_its_renewal_point)
{
    auto l = store_sample()[0];
    EXPECT_TRUE(reusable(l, 1000));
    EXPECT_TRUE(reusable(l, 1039));
    EXPECT_FALSE(reusable(l, 1040));  // 2/3 of 60 s after it was issued
    l.data.reset();
    EXPECT_FALSE(reusable(l, 1000));
}

}  // namespace
}  // namespace vk::emissary
