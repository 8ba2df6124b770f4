// pgp_fingerprints: the V4 fingerprint of a binary OpenPGP public key from either packet header format, over
// the packet body only (so both headers give one fingerprint), and nothing for what is not a V4 public-key
// packet. test_vault_pgp_keys.py compares real keys' fingerprints with gpg's.
#include <gtest/gtest.h>

#include "pgp.hpp"

#include <openssl/sha.h>

namespace vsim {
namespace {

// A made-up V4 public-key body: version 4, creation time, algorithm 22 (EdDSA), then filler key material.
bytes v4_body()
{
    bytes b{4, 0x65, 0x00, 0x00, 0x01, 22};
    for (int i = 0; i < 40; ++i)
        b.push_back(static_cast<std::uint8_t>(i * 7));
    return b;
}

std::string keys_b64(bytes header, const bytes& body)
{
    header.insert(header.end(), body.begin(), body.end());
    return base64_encode(header);
}

std::string expected_fingerprint(const bytes& body)
{
    bytes framed{0x99, static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
    framed.insert(framed.end(), body.begin(), body.end());
    bytes digest(SHA_DIGEST_LENGTH);
    SHA1(framed.data(), framed.size(), digest.data());
    return hex_encode(digest);
}

TEST(pgp_fingerprint, old_and_new_packet_headers_give_the_body_s_fingerprint_in_order)
{
    const auto body = v4_body();
    const auto len = static_cast<std::uint8_t>(body.size());
    auto other = body;
    other.back() ^= 1;
    const auto got = pgp_fingerprints({keys_b64({0x99, 0x00, len}, body),     // old format, two length octets
                                       keys_b64({0x98, len}, body),           // old format, one length octet
                                       keys_b64({0xc6, len}, body),           // new format, one length octet
                                       keys_b64({0x99, 0x00, len}, other)});  // another key
    ASSERT_TRUE(got);
    const auto want = expected_fingerprint(body);
    EXPECT_EQ(*got, (std::vector<std::string>{want, want, want, expected_fingerprint(other)}));
    EXPECT_EQ(want.size(), 40u);
    EXPECT_EQ(want.find_first_not_of("0123456789abcdef"), std::string::npos) << "lower-case hex: " << want;
}

TEST(pgp_fingerprint, what_is_not_a_v4_public_key_packet_has_none)
{
    auto v3 = v4_body();
    v3[0] = 3;
    const auto len = static_cast<std::uint8_t>(v4_body().size());
    EXPECT_FALSE(pgp_fingerprints({keys_b64({0x99, 0x00, len}, v3)})) << "version 3";
    EXPECT_FALSE(pgp_fingerprints({keys_b64({0x95, 0x00, len}, v4_body())})) << "a secret-key packet (tag 5)";
    EXPECT_FALSE(pgp_fingerprints({keys_b64({0x99, 0x00, static_cast<std::uint8_t>(len + 1)}, v4_body())}))
        << "shorter than its length";
    EXPECT_FALSE(pgp_fingerprints({"not base64!"}));
    EXPECT_FALSE(pgp_fingerprints({keys_b64({0x99, 0x00, len}, v4_body()), base64_encode(bytes{0x01})}))
        << "one bad key: none at all";
}

}  // namespace
}  // namespace vsim
