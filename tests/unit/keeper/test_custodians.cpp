// Custodians' keys and shares (keeper/model/custodians.hpp): a key exported by GnuPG read from its armour
// and its binary form with GnuPG's fingerprint; secret keys and junk refused; the pgp_keys order; the fetch
// record (first fetch recorded, a second refused unless asked again); and the record's JSON keeps them.
#include "core/base64.hpp"
#include "keeper/model/custodians.hpp"
#include "keeper/model/procedure.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vk::keeper;

// gpg --batch --quick-gen-key "Test Custodian <t@example.invalid>" future-default; gpg --armor --export
const std::string armoured = R"(-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEaxSb+xYJKwYBBAHaRw8BAQdAfUQOfEgIfvisIRm8ocrdlwVD38CfJT6oZLPw
MWZY2RK0IlRlc3QgQ3VzdG9kaWFuIDx0QGV4YW1wbGUuaW52YWxpZD6IkAQTFggA
OBYhBPqQxz0AzumUgvjkb5Lzr/5oAXl+BQJrFJv7AhsDBQsJCAcCBhUKCQgLAgQW
AgMBAh4BAheAAAoJEJLzr/5oAXl+g4EA/0eFXb59wYy6I6yU83A4mHiHaDVfW1pU
cHUVgWn+iz5OAQDVD5roQdIxNLH4Y7EWxK2AlF7kHklXemEQLAA3edTuDLg4BGsU
m/sSCisGAQQBl1UBBQEBB0DKtc4GLskIT6yc4l/FwZeI14lzpnXYdzwggHT4jICr
ewMBCAeIeAQYFggAIBYhBPqQxz0AzumUgvjkb5Lzr/5oAXl+BQJrFJv7AhsMAAoJ
EJLzr/5oAXl+PCUBAJoV7Rejlp6dVbQ+U0yjRliS7aTV7eYvSQptpunVOBPRAQDJ
FtW7OmMjdv7FPxuKRHqlVWmMVnuv4nl4ybeXixuHBQ==
=f0pM
-----END PGP PUBLIC KEY BLOCK-----
)";
const std::string gpg_fingerprint = "FA90C73D00CEE99482F8E46F92F3AFFE6801797E";

}  // namespace

TEST(custodians, armoured_and_binary_keys_give_gnupgs_fingerprint)
{
    auto k = read_public_key(armoured);
    ASSERT_TRUE(k) << k.error().message;
    EXPECT_EQ(k->fingerprint, gpg_fingerprint);
    auto again = read_public_key(k->binary);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->fingerprint, gpg_fingerprint);
    EXPECT_EQ(again->binary, k->binary);
}

TEST(custodians, what_is_no_public_key_is_refused_with_why)
{
    auto secret =
        read_public_key("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxx\n-----END PGP PRIVATE KEY BLOCK-----\n");
    ASSERT_FALSE(secret);
    EXPECT_NE(secret.error().message.find("secret key"), std::string::npos);
    auto junk = read_public_key("hello");
    ASSERT_FALSE(junk);
    EXPECT_NE(junk.error().message.find("no OpenPGP packet"), std::string::npos);
    auto cut = read_public_key(armoured.substr(0, 200));
    ASSERT_FALSE(cut);
    EXPECT_TRUE(cut.error().is(vk::errc::invalid_argument));
    EXPECT_FALSE(read_public_key(std::string("\x99\x00\x05\x04", 4)));  // longer than the data
}

TEST(custodians, pgp_keys_give_the_stores_shares_to_the_keeper_then_one_per_custodian)
{
    EXPECT_EQ(pgp_keys_for(3, "own", {"alice", "bob"}),
              (std::vector<std::string>{"own", "own", "own", "alice", "bob"}));
}

TEST(custodians, a_decrypted_share_is_hex_stored_as_base64)
{
    EXPECT_EQ(share_from_pgp_plaintext("00ff10\n").value(),
              vk::base64_encode(std::string("\x00\xff\x10", 3)));
    EXPECT_FALSE(share_from_pgp_plaintext("0g"));
    EXPECT_FALSE(share_from_pgp_plaintext("abc"));
    EXPECT_FALSE(share_from_pgp_plaintext(""));
}

TEST(custodians, first_fetch_is_recorded_and_a_second_needs_again)
{
    std::vector<custodian_share> shares{{"alice", gpg_fingerprint, "bXNn", "", 0, 0},
                                        {"bob", "F2", "", "", 0, 0}};
    auto first = fetch_share(shares, "alice", "ops", 100, false);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->message, "bXNn");
    EXPECT_EQ(shares[0].fetched_by, "ops");
    auto second = fetch_share(shares, "alice", "other", 200, false);
    ASSERT_FALSE(second);
    EXPECT_TRUE(second.error().is(vk::errc::conflict));
    EXPECT_NE(second.error().message.find("by ops"), std::string::npos);
    auto again = fetch_share(shares, "alice", "other", 300, true);
    ASSERT_TRUE(again);
    EXPECT_EQ(shares[0].fetched_by, "ops");  // the first fetch stays the one recorded
    EXPECT_EQ(shares[0].fetched_unix, 100);
    EXPECT_EQ(shares[0].fetches, 2);
    EXPECT_TRUE(fetch_share(shares, "bob", "ops", 1, false).error().is(vk::errc::not_found));  // not answered
    EXPECT_TRUE(fetch_share(shares, "carol", "ops", 1, false).error().is(vk::errc::not_found));
}

TEST(custodians, announced_fingerprints_must_end_with_the_custodians)
{
    std::vector<custodian_share> c{{"alice", "ab12", "", "", 0, 0}};
    EXPECT_TRUE(custodian_fingerprints_match({}, c));
    EXPECT_TRUE(custodian_fingerprints_match({"OWN", "OWN", "AB12"}, c));
    EXPECT_FALSE(custodian_fingerprints_match({"OWN", "AB12", "OWN"}, c));
}

TEST(custodians, the_record_keeps_custodian_shares_and_their_fetches)
{
    procedure_record r;
    r.current = shard_set{"set-1", 3, 2, {"a", "b"}, {{"alice", "F1", "bXNn", "ops", 7, 1}}};
    auto back = record_from_json(to_json(r));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, r);
}

namespace {

// Three stores' shares and one custodian's: 4 shares, threshold 2.
procedure_policy custodian_policy()
{
    procedure_policy p;
    p.can_init = true;
    p.shares = 4;
    p.threshold = 2;
    p.placement = {"a", "b", "c"};
    p.custodians = {{"alice", "AB12", "", "", 0, 0}};
    p.now_unix = 1000;
    return p;
}

procedure_record requested_with_custodian()
{
    procedure_record r;
    r.current = shard_set{"set-1", 4, 2, {"a", "b", "c"}, {{"alice", "AB12", "bXNn", "", 0, 0}}};
    r.planned = shard_set{"set-2", 4, 2, {"a", "b", "c"}, {{"alice", "AB12", "", "", 0, 0}}};
    r.st = step::requested;
    r.next_set = 3;
    return r;
}

observation with_rekey(rekey_view v)
{
    observation o;
    o.initialized = true;
    o.rekey = std::move(v);
    return o;
}

}  // namespace

TEST(custodians, a_new_set_carries_the_custodians_and_a_pgp_rekey_is_ours_only_by_their_fingerprints)
{
    auto p = custodian_policy();
    auto req = request_rekey(requested_with_custodian(), p);
    ASSERT_TRUE(req.planned);
    EXPECT_EQ(req.planned->custodians, p.custodians);
    auto r = requested_with_custodian();
    rekey_view pgp{"N", 2, 4, 0, true, "", true, false, {"OWN", "OWN", "OWN", "ab12"}};
    auto a = decide(r, with_rekey(pgp), p);
    ASSERT_EQ(a.kind, act::write);  // ours: the crash lost its nonce
    EXPECT_EQ(a.next.nonce, "N");
    pgp.pgp_fingerprints.back() = "FFFF";  // someone else's key in the custodian's place
    EXPECT_EQ(decide(r, with_rekey(pgp), p).kind, act::wait);
    pgp.pgp_fingerprints.back() = "AB12";
    pgp.backup = true;  // Vault would keep a copy: not ours
    EXPECT_EQ(decide(r, with_rekey(pgp), p).kind, act::wait);
}

TEST(custodians, a_rekey_whose_keeper_key_died_with_a_restart_is_cancelled_and_asked_again)
{
    auto r = rekey_started(requested_with_custodian(), "N");
    observation o = with_rekey({"N", 2, 4, 0, true, "", true, false, {}});
    EXPECT_EQ(decide(r, o, custodian_policy()).kind, act::submit_old);
    o.planned_key_lost = true;
    auto a = decide(r, o, custodian_policy());
    ASSERT_EQ(a.kind, act::cancel);
    EXPECT_EQ(a.nonce, "N");
    EXPECT_EQ(a.next.st, step::requested);
    EXPECT_EQ(a.next.planned->id, "set-3");
}

TEST(custodians, init_recovery_alerts_when_the_custodians_shares_were_not_recorded)
{
    procedure_record r;
    r.st = step::init_intent;
    r.pending = shard_set{"set-1", 4, 2, {"a", "b", "c"}, {{"alice", "AB12", "", "", 0, 0}}};
    observation o;
    o.initialized = true;
    o.readable["set-1"] = 3;
    auto a = decide(r, o, custodian_policy());
    ASSERT_EQ(a.kind, act::write);
    EXPECT_EQ(a.level, level::alert);
    EXPECT_NE(a.message.find("custodians' shares"), std::string::npos);
    r.pending->custodians[0].message = "bXNn";
    EXPECT_EQ(decide(r, o, custodian_policy()).level, level::info);
}
