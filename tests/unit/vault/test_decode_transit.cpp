// Transit answers: the ciphertext of encrypt/rewrap, the plaintext of decrypt, a key's versions; malformed
// bodies are bad_response.
#include "vault/model/decode.hpp"

#include <gtest/gtest.h>

TEST(vault_decode_transit, ciphertext_plaintext_and_key_versions)
{
    auto ct =
        vk::vault::decode_transit_ciphertext(R"({"data": {"ciphertext": "vault:v2:abc", "key_version": 2}})");
    ASSERT_TRUE(ct);
    EXPECT_EQ(*ct, "vault:v2:abc");
    auto pt = vk::vault::decode_transit_plaintext(R"({"data": {"plaintext": "aGk="}})");
    ASSERT_TRUE(pt);
    EXPECT_EQ(*pt, "aGk=");
    auto k = vk::vault::decode_transit_key(
        R"({"data": {"latest_version": 3, "min_decryption_version": 2, "type": "aes256-gcm96"}})");
    ASSERT_TRUE(k);
    EXPECT_EQ(k->latest_version, 3);
    EXPECT_EQ(k->min_decryption_version, 2);
}

TEST(vault_decode_transit, malformed_answers_are_bad_responses)
{
    for (const char* body : {R"({"data": {}})", R"({"data": {"ciphertext": 3}})", "[]", R"({"nodata": 1})"})
    {
        auto r = vk::vault::decode_transit_ciphertext(body);
        ASSERT_FALSE(r) << body;
        EXPECT_TRUE(r.error().is(vk::errc::bad_response));
    }
    EXPECT_FALSE(vk::vault::decode_transit_key(R"({"data": {"min_decryption_version": 1}})"));
}
