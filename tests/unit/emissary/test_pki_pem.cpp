// Certificates read back from a destination (OpenSSL), and when a certificate is re-issued or reused.
#include "emissary/model/cert_schedule.hpp"
#include "emissary/model/pki_pem.hpp"
#include "emissary/model/pki_request.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <memory>

namespace vk::emissary {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::system_clock;

// A key and a certificate made with OpenSSL, as PEM text without a trailing line end.
struct made_cert
{
    std::shared_ptr<EVP_PKEY> key;
    std::shared_ptr<X509> x;
    std::string cert_pem;
    std::string key_pem;
};

std::string trimmed(BIO* b)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    std::string s(data, static_cast<std::size_t>(n));
    while (!s.empty() && s.back() == '\n')
        s.pop_back();
    BIO_free(b);
    return s;
}

// Valid from now + from to now + to; signed by `issuer` (self-signed, a CA, when null).
made_cert make_cert(const std::string& cn, seconds from, seconds to, const made_cert* issuer = nullptr)
{
    made_cert m;
    m.key.reset(EVP_EC_gen("P-256"), EVP_PKEY_free);
    m.x.reset(X509_new(), X509_free);
    X509* x = m.x.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(std::rand()));
    X509_gmtime_adj(X509_getm_notBefore(x), from.count());
    X509_gmtime_adj(X509_getm_notAfter(x), to.count());
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x.get()) : X509_get_subject_name(x));
    X509_set_pubkey(x, m.key.get());
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer->x.get() : x, x, nullptr, nullptr, 0);
    X509_EXTENSION* bc =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, issuer ? "CA:FALSE" : "critical,CA:TRUE");
    X509_add_ext(x, bc, -1);
    X509_EXTENSION_free(bc);
    X509_sign(x, issuer ? issuer->key.get() : m.key.get(), EVP_sha256());
    BIO* cb = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(cb, x);
    m.cert_pem = trimmed(cb);
    BIO* kb = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(kb, m.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    m.key_pem = trimmed(kb);
    return m;
}

TEST(emissary_pki_pem, blocks_are_cut_exactly_as_written)
{
    auto blocks = pem_blocks("junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\nmore\n"
                             "-----BEGIN EC PRIVATE KEY-----\nBBB\n-----END EC PRIVATE KEY-----"
                             "-----BEGIN X-----\nno end");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].label, "CERTIFICATE");
    EXPECT_EQ(blocks[0].text, "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----");
    EXPECT_EQ(blocks[1].label, "EC PRIVATE KEY");
}

TEST(emissary_pki_pem, validity_is_read_from_the_certificate)
{
    auto ca = make_cert("ca", seconds(-30), hours(100));
    auto v = certificate_validity(ca.cert_pem);
    ASSERT_TRUE(v);
    const auto now = system_clock::now();
    EXPECT_LE(std::chrono::abs(v->not_before - (now - seconds(30))), seconds(2));
    EXPECT_LE(std::chrono::abs(v->not_after - (now + hours(100))), seconds(2));
    EXPECT_FALSE(certificate_validity("-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----"));
}

TEST(emissary_pki_pem, finds_the_leaf_its_key_and_its_ca_across_files)
{
    auto ca = make_cert("root", seconds(-60), hours(1000));
    auto leaf = make_cert("web.example", seconds(-30), hours(72), &ca);
    auto other = make_cert("other.example", seconds(-30), hours(72), &ca);
    const std::string cert_file =
        "# web\n" + leaf.cert_pem + "\n" + other.cert_pem + "\n" + ca.cert_pem + "\n";
    auto b = find_bundle({cert_file, leaf.key_pem + "\n"}, "web.example", true);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->cert, leaf.cert_pem);
    EXPECT_EQ(b->key, leaf.key_pem);
    EXPECT_EQ(b->ca, ca.cert_pem);
    // other.example's key is not there; without a CA in the files the CA is "" unless required.
    EXPECT_FALSE(find_bundle({cert_file, leaf.key_pem}, "other.example", false));
    auto no_ca = find_bundle({leaf.cert_pem + "\n" + leaf.key_pem}, "", false);
    ASSERT_TRUE(no_ca);
    EXPECT_EQ(no_ca->ca, "");
    EXPECT_FALSE(find_bundle({leaf.cert_pem + "\n" + leaf.key_pem}, "", true));
    // A key that belongs to another certificate is no key for this one.
    EXPECT_FALSE(find_bundle({leaf.cert_pem + "\n" + other.key_pem}, "web.example", false));
    EXPECT_FALSE(find_bundle({}, "web.example", false));
}

TEST(emissary_pki_pem, vault_answer_becomes_a_bundle_without_trailing_line_ends)
{
    auto ca = make_cert("root", seconds(-60), hours(1000));
    auto leaf = make_cert("web.example", seconds(-30), hours(72), &ca);
    boost::json::object data{{"certificate", leaf.cert_pem + "\n"},
                             {"private_key", leaf.key_pem + "\n"},
                             {"issuing_ca", ca.cert_pem + "\n"},
                             {"serial_number", "1"}};
    auto b = bundle_from_issue(boost::json::serialize(boost::json::object{{"data", data}}));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->cert, leaf.cert_pem);
    EXPECT_EQ(b->key, leaf.key_pem);
    EXPECT_EQ(b->ca, ca.cert_pem);
    EXPECT_EQ(b->validity.not_after, certificate_validity(leaf.cert_pem)->not_after);
    auto missing = bundle_from_issue(R"({"data": {"certificate": "x"}})");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::bad_response);
    EXPECT_FALSE(bundle_from_issue("not json"));
}

const wall_time wall0 = wall_time(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1));

TEST(emissary_cert_schedule, reissued_at_two_thirds_of_the_validity_with_jitter)
{
    const cert_validity v{wall0, wall0 + seconds(900)};
    EXPECT_EQ(reissue_at(v, wall0 + seconds(10), 0.0), wall0 + seconds(600));
    EXPECT_EQ(reissue_at(v, wall0 + seconds(10), 0.999), wall0 + std::chrono::milliseconds(510090));
    // Vault backdates notBefore by 30 s: a 6 s certificate is re-issued at 2/3 of what is left, not at once.
    const cert_validity short_one{wall0 - seconds(30), wall0 + seconds(6)};
    EXPECT_EQ(reissue_at(short_one, wall0, 0.0), wall0 + seconds(4));
    // Never sooner than a second, even for a certificate that has expired.
    EXPECT_EQ(reissue_at(cert_validity{wall0 - hours(2), wall0 - hours(1)}, wall0, 0.5),
              wall0 + min_reissue_delay);
    const auto steady = clock_time{} + hours(5);
    EXPECT_EQ(reissue_poll(v, wall0 + seconds(10), steady, 0.0), steady + seconds(590));
}

TEST(emissary_cert_schedule, reused_only_before_the_earliest_renewal_point)
{
    const cert_validity v{wall0, wall0 + seconds(1000)};  // earliest renewal point: 566.667 s
    EXPECT_TRUE(reusable(v, wall0 + seconds(1)));
    EXPECT_TRUE(reusable(v, wall0 + seconds(566)));
    EXPECT_FALSE(reusable(v, wall0 + seconds(567)));
    EXPECT_FALSE(reusable(v, wall0 + seconds(2000)));
    EXPECT_FALSE(reusable(v, wall0 - seconds(1)));  // not valid yet
    // What is reused is never due at once: its re-issue point is after now for any draw.
    for (double draw : {0.0, 0.5, 0.999})
        EXPECT_GT(reissue_at(v, wall0 + seconds(566), draw), wall0 + seconds(566));
}

}  // namespace
}  // namespace vk::emissary
