// Shamir splitting, barrier encryption and share decoding: the pure key-handling pieces of vault-sim.
#include <gtest/gtest.h>

#include "barrier.hpp"
#include "keyring.hpp"
#include "shamir.hpp"

namespace vsim {
namespace {

TEST(Shamir, SharesAreSecretPlusOneByteAndAnyThresholdSubsetRecombines)
{
    const auto secret = random_bytes(32);
    auto shares = std::get<std::vector<bytes>>(shamir::split(secret, 5, 3));
    ASSERT_EQ(shares.size(), 5u);
    for (const auto& s : shares)
        EXPECT_EQ(s.size(), 33u);
    EXPECT_EQ(std::get<bytes>(shamir::combine({shares[0], shares[2], shares[4]})), secret);
    EXPECT_EQ(std::get<bytes>(shamir::combine({shares[3], shares[1], shares[0]})), secret);
    EXPECT_EQ(std::get<bytes>(shamir::combine(shares)), secret);
    // Two of three is not enough: well-formed but the wrong secret.
    EXPECT_NE(std::get<bytes>(shamir::combine({shares[0], shares[1]})), secret);
}

TEST(Shamir, XCoordinatesAreDistinctAndNonZero)
{
    auto shares = std::get<std::vector<bytes>>(shamir::split(random_bytes(16), 255, 2));
    std::vector<int> seen(256, 0);
    for (const auto& s : shares)
        ++seen[s.back()];
    EXPECT_EQ(seen[0], 0);
    for (int x = 1; x < 256; ++x)
        EXPECT_EQ(seen[x], 1) << x;
}

TEST(Shamir, RejectsBadParametersWithVaultWording)
{
    EXPECT_EQ(std::get<std::string>(shamir::split(random_bytes(32), 2, 3)),
              "parts cannot be less than threshold");
    EXPECT_EQ(std::get<std::string>(shamir::split(random_bytes(32), 256, 3)), "parts cannot exceed 255");
    EXPECT_EQ(std::get<std::string>(shamir::split(random_bytes(32), 3, 1)), "threshold must be at least 2");
    EXPECT_EQ(std::get<std::string>(shamir::split({}, 3, 2)), "cannot split an empty secret");
    auto shares = std::get<std::vector<bytes>>(shamir::split(random_bytes(32), 3, 2));
    EXPECT_EQ(std::get<std::string>(shamir::combine({shares[0]})),
              "less than two parts cannot be used to reconstruct the secret");
    EXPECT_EQ(std::get<std::string>(shamir::combine({shares[0], shares[0]})), "duplicate part detected");
}

TEST(Shamir, KnownVectorFromFieldArithmetic)
{
    // f(x) = 0x42 + 0x01*x over GF(2^8): f(1) = 0x43, f(2) = 0x40; interpolation at 0 gives 0x42.
    EXPECT_EQ(std::get<bytes>(shamir::combine({{0x43, 1}, {0x40, 2}})), bytes{0x42});
}

TEST(Barrier, RoundTripsAndDetectsTamperingAndWrongKeys)
{
    const auto key = random_bytes(32);
    const auto blob = barrier::encrypt(key, "secret payload", "aad");
    EXPECT_EQ(blob.size(), 12 + 14 + 16u);
    EXPECT_EQ(barrier::decrypt(key, blob, "aad"), "secret payload");
    EXPECT_FALSE(barrier::decrypt(key, blob, "other"));
    EXPECT_FALSE(barrier::decrypt(random_bytes(32), blob, "aad"));
    auto tampered = blob;
    tampered[15] ^= 1;
    EXPECT_FALSE(barrier::decrypt(key, tampered, "aad"));
}

TEST(Keyring, OneShareIsTheKeyItselfAndWrappedRootOpensOnlyWithTheUnsealKey)
{
    const auto unseal = random_bytes(32);
    const auto root = random_bytes(32);
    EXPECT_EQ(split_key(unseal, {1, 1}), std::vector<bytes>{unseal});
    const auto ring = wrap_root({5, 3}, unseal, root);
    EXPECT_EQ(open_root(ring, unseal), root);
    EXPECT_FALSE(open_root(ring, random_bytes(32)));
}

TEST(Keyring, DecodesHexThenBase64AndValidatesConfig)
{
    const auto share = random_bytes(33);
    EXPECT_EQ(decode_share(hex_encode(share)), share);
    EXPECT_EQ(decode_share(base64_encode(share)), share);
    EXPECT_FALSE(decode_share("not a key!"));
    EXPECT_EQ(validate({3, 5}), "threshold cannot be larger than shares");
    EXPECT_EQ(validate({3, 1}), "threshold must be greater than one for multiple shares");
    EXPECT_FALSE(validate({1, 1}));
}

}  // namespace
}  // namespace vsim
