// Unseal progress and the rekey state machine, driven without HTTP.
#include <gtest/gtest.h>

#include <algorithm>

#include "rekey.hpp"
#include "unseal.hpp"

namespace vsim {
namespace {

struct sealed_vault
{
    static constexpr seal_config cfg{5, 3};
    bytes unseal_key = random_bytes(32);
    bytes root_key = random_bytes(32);
    keyring ring = wrap_root(cfg, unseal_key, root_key);
    std::vector<bytes> shares = split_key(unseal_key, cfg);
};

TEST(Unseal, DistinctSharesProgressAndTheThresholdUnseals)
{
    sealed_vault v;
    unseal_progress p;
    EXPECT_TRUE(std::holds_alternative<unseal_progress::pending>(p.submit(v.ring, v.shares[0])));
    EXPECT_EQ(p.progress(), 1);
    EXPECT_FALSE(p.nonce().empty());
    // The same share again makes no progress.
    EXPECT_TRUE(std::holds_alternative<unseal_progress::pending>(p.submit(v.ring, v.shares[0])));
    EXPECT_EQ(p.progress(), 1);
    p.submit(v.ring, v.shares[3]);
    auto out = p.submit(v.ring, v.shares[4]);
    ASSERT_TRUE(std::holds_alternative<unseal_progress::unsealed>(out));
    EXPECT_EQ(std::get<unseal_progress::unsealed>(out).root_key, v.root_key);
    EXPECT_EQ(p.progress(), 0);
    EXPECT_TRUE(p.nonce().empty());
}

TEST(Unseal, WrongSharesFailAtTheThresholdAndResetProgress)
{
    sealed_vault v;
    sealed_vault other;
    unseal_progress p;
    p.submit(v.ring, v.shares[0]);
    p.submit(v.ring, v.shares[1]);
    // Another Vault's share at an x-coordinate (a share's last byte, random as in Vault) the first two do not
    // use: with the same one, Vault (and the sim) would answer "duplicate part detected" instead.
    auto foreign = std::find_if(other.shares.begin(), other.shares.end(), [&](const auto& s) {
        return s.back() != v.shares[0].back() && s.back() != v.shares[1].back();
    });
    ASSERT_NE(foreign, other.shares.end());
    auto out = p.submit(v.ring, *foreign);
    ASSERT_TRUE(std::holds_alternative<unseal_progress::failed>(out));
    EXPECT_EQ(std::get<unseal_progress::failed>(out).message, "Unseal failed, invalid key");
    EXPECT_EQ(p.progress(), 0);
    auto short_key = p.submit(v.ring, random_bytes(8));
    EXPECT_EQ(std::get<unseal_progress::failed>(short_key).message,
              "invalid key: key is shorter than minimum 16 bytes");
}

TEST(Unseal, ResetForgetsProgress)
{
    sealed_vault v;
    unseal_progress p;
    p.submit(v.ring, v.shares[0]);
    p.reset();
    EXPECT_EQ(p.progress(), 0);
    EXPECT_TRUE(p.nonce().empty());
}

using clock_t_ = std::chrono::steady_clock;

TEST(Rekey, WithoutVerificationRotatesAtTheThreshold)
{
    sealed_vault v;
    rekey_machine r;
    const auto now = clock_t_::now();
    ASSERT_FALSE(r.init({.config = {3, 2}}, now));
    EXPECT_EQ(r.init({.config = {3, 2}}, now)->message, "rekey already in progress");
    const auto nonce = std::string(r.status(3).at("nonce").as_string());
    EXPECT_EQ(r.status(3).at("required").as_int64(), 3);
    auto wrong_nonce = std::get<coded_error>(r.update(v.ring, v.shares[0], "nope"));
    EXPECT_EQ(wrong_nonce.message,
              "incorrect nonce supplied; nonce for this rekey operation is \"" + nonce + "\"");
    std::get<rekey_machine::step>(r.update(v.ring, v.shares[0], nonce));
    EXPECT_EQ(std::get<coded_error>(r.update(v.ring, v.shares[0], nonce)).message,
              "given key has already been provided during this generation operation");
    std::get<rekey_machine::step>(r.update(v.ring, v.shares[1], nonce));
    auto done = std::get<rekey_machine::step>(r.update(v.ring, v.shares[2], nonce));
    ASSERT_TRUE(done.rotated);
    EXPECT_TRUE(done.body.at("complete").as_bool());
    EXPECT_EQ(done.body.at("keys").as_array().size(), 3u);
    EXPECT_FALSE(r.active());
    // The new shares open the same root key; the old ones no longer do.
    std::vector<bytes> new_shares;
    for (const auto& k : done.body.at("keys").as_array())
        new_shares.push_back(*hex_decode(k.as_string()));
    EXPECT_EQ(open_root(*done.rotated, std::get<bytes>(combine_shares({new_shares[0], new_shares[2]}))),
              v.root_key);
    EXPECT_FALSE(open_root(*done.rotated, v.unseal_key));
}

TEST(Rekey, WithVerificationTheNewKeyTakesEffectOnlyAfterVerify)
{
    sealed_vault v;
    rekey_machine r;
    ASSERT_FALSE(r.init({.config = {1, 1}, .require_verification = true}, clock_t_::now()));
    const auto nonce = std::string(r.status(3).at("nonce").as_string());
    r.update(v.ring, v.shares[0], nonce);
    r.update(v.ring, v.shares[1], nonce);
    auto done = std::get<rekey_machine::step>(r.update(v.ring, v.shares[2], nonce));
    EXPECT_FALSE(done.rotated);
    EXPECT_TRUE(done.body.at("verification_required").as_bool());
    const auto vnonce = std::string(done.body.at("verification_nonce").as_string());
    const auto new_share = *hex_decode(done.body.at("keys").as_array()[0].as_string());
    EXPECT_NE(std::get<coded_error>(r.update(v.ring, v.shares[0], nonce))
                  .message.find("verification must be performed"),
              std::string::npos);
    // A wrong key fails verification and rotates the verification nonce.
    auto failed = std::get<coded_error>(r.verify(v.ring, random_bytes(32), vnonce));
    EXPECT_EQ(failed.message, "rekey verification failed; incorrect key shares supplied");
    const auto vnonce2 =
        std::string(std::get<boost::json::object>(r.verify_status()).at("nonce").as_string());
    EXPECT_NE(vnonce2, vnonce);
    auto ok = std::get<rekey_machine::step>(r.verify(v.ring, new_share, vnonce2));
    ASSERT_TRUE(ok.rotated);
    EXPECT_TRUE(ok.body.at("complete").as_bool());
    EXPECT_EQ(open_root(*ok.rotated, new_share), v.root_key);
    EXPECT_EQ(std::get<coded_error>(r.verify_status()).message, "no rekey configuration found");
}

TEST(Rekey, CancelNeedsTheNonceWithinTenMinutes)
{
    rekey_machine r;
    const auto t0 = clock_t_::now();
    r.init({.config = {3, 2}}, t0);
    const auto nonce = std::string(r.status(1).at("nonce").as_string());
    EXPECT_TRUE(r.cancel(std::nullopt, t0 + std::chrono::minutes(1)));
    EXPECT_TRUE(r.cancel(std::string("bad"), t0));
    EXPECT_FALSE(r.cancel(nonce, t0));
    EXPECT_FALSE(r.active());
    r.init({.config = {3, 2}}, t0);
    EXPECT_FALSE(r.cancel(std::nullopt, t0 + std::chrono::minutes(11)));
    EXPECT_FALSE(r.cancel(std::nullopt, t0));  // nothing in progress: idempotent
}

TEST(Rekey, ValidatesInitRequests)
{
    rekey_machine r;
    const auto now = clock_t_::now();
    EXPECT_EQ(r.init({.config = {2, 3}}, now)->message,
              "invalid rekey seal configuration: threshold cannot be larger than shares");
    EXPECT_EQ(r.init({.config = {3, 2}, .backup = true}, now)->message,
              "cannot request a backup of the new keys without providing PGP keys for encryption");
    EXPECT_EQ(r.init({.config = {3, 2}, .pgp_keys = 2}, now)->message,
              "incorrect number of PGP keys for rekey");
}

}  // namespace
}  // namespace vsim
