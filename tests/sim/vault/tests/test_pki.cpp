// PKI engine: root generation, role name rules, issue of a real leaf signed by the CA (checked with
// OpenSSL), TTL capped at the role's max_ttl, and Vault's error texts.
#include "logical_fixture.hpp"

#include "pki.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>

namespace vsim::test {
namespace {

struct x509_free
{
    void operator()(X509* x) const { X509_free(x); }
};
using x509_ptr = std::unique_ptr<X509, x509_free>;

x509_ptr parse_pem(const json::value& pem)
{
    const auto& s = pem.as_string();
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())),
                                                BIO_free);
    return x509_ptr(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
}

std::time_t not_after(X509* x)
{
    std::tm tm{};
    ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm);
    return timegm(&tm);
}

class pki_test : public logical_test
{
protected:
    void SetUp() override
    {
        ASSERT_EQ(send("update", "sys/mounts/pki", json::object{{"type", "pki"}}).status, 204u);
    }
    void make_ca()
    {
        auto r = send("update", "pki/root/generate/internal",
                      json::object{{"common_name", "sim CA"}, {"ttl", "720h"}});
        ASSERT_EQ(r.status, 200u);
        ASSERT_EQ(send("update", "pki/roles/web",
                       json::object{{"allowed_domains", "example.com"},
                                    {"allow_subdomains", true},
                                    {"max_ttl", "72h"}})
                      .status,
                  204u);
    }
};

TEST_F(pki_test, issue_signs_a_real_leaf)
{
    make_ca();
    auto r = send("update", "pki/issue/web",
                  json::object{{"common_name", "web.example.com"},
                               {"alt_names", "api.example.com"},
                               {"ip_sans", "127.0.0.1"},
                               {"ttl", "24h"}});
    ASSERT_EQ(r.status, 200u);
    auto d = data(r);
    EXPECT_EQ(body(r).at("lease_id").as_string(), "");
    EXPECT_FALSE(body(r).at("renewable").as_bool());
    EXPECT_EQ(d.at("private_key_type").as_string(), "ec");
    EXPECT_TRUE(d.at("private_key").as_string().starts_with("-----BEGIN EC PRIVATE KEY-----"));
    EXPECT_EQ(d.at("ca_chain").as_array().at(0), d.at("issuing_ca"));
    EXPECT_EQ(d.at("serial_number").as_string().size(), 59u);
    auto leaf = parse_pem(d.at("certificate"));
    auto ca = parse_pem(d.at("issuing_ca"));
    ASSERT_TRUE(leaf && ca);
    EXPECT_EQ(X509_verify(leaf.get(), X509_get0_pubkey(ca.get())), 1);
    EXPECT_EQ(X509_check_host(leaf.get(), "api.example.com", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_host(leaf.get(), "web.example.com", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ip_asc(leaf.get(), "127.0.0.1", 0), 1);
    const auto expected = std::chrono::system_clock::to_time_t(now) + 24 * 3600;
    EXPECT_EQ(not_after(leaf.get()), expected);
    EXPECT_EQ(d.at("expiration").as_int64(), expected);
    auto pem = send("read", "pki/ca/pem");
    ASSERT_TRUE(pem.raw);
    EXPECT_EQ(*pem.raw, d.at("issuing_ca").as_string());
    EXPECT_EQ(data(send("read", "pki/cert/ca")).at("certificate"), d.at("issuing_ca"));
}

TEST_F(pki_test, ttl_is_capped_at_the_role_max)
{
    make_ca();
    auto r = send("update", "pki/issue/web", json::object{{"common_name", "a.example.com"}, {"ttl", "100h"}});
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(data(r).at("expiration").as_int64(), std::chrono::system_clock::to_time_t(now) + 72 * 3600);
    EXPECT_EQ(body(r).at("warnings").as_array().size(), 1u);
}

TEST_F(pki_test, names_outside_the_role_are_refused)
{
    make_ca();
    auto cn = send("update", "pki/issue/web", json::object{{"common_name", "evil.com"}});
    EXPECT_EQ(cn.status, 400u);
    EXPECT_EQ(first_error(cn), "common name evil.com not allowed by this role");
    auto alt = send("update", "pki/issue/web",
                    json::object{{"common_name", "a.example.com"}, {"alt_names", "x.org"}});
    EXPECT_EQ(first_error(alt), "subject alternate name x.org not allowed by this role");
    auto bare = send("update", "pki/issue/web", json::object{{"common_name", "example.com"}});
    EXPECT_EQ(first_error(bare), "common name example.com not allowed by this role");
    EXPECT_EQ(first_error(send("update", "pki/issue/none", json::object{{"common_name", "a.example.com"}})),
              "unknown role: none");
}

TEST_F(pki_test, issue_before_a_root_exists)
{
    ASSERT_EQ(send("update", "pki/roles/any", json::object{{"allow_any_name", true}}).status, 204u);
    auto r = send("update", "pki/issue/any", json::object{{"common_name", "x"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(first_error(r), "no default issuer currently configured");
    EXPECT_EQ(send("read", "pki/ca/pem").status, 204u);
}

TEST(pki_names, role_rules)
{
    pki::role r;
    r.allowed_domains = {"example.com"};
    EXPECT_FALSE(pki::name_allowed(r, "a.example.com"));
    r.allow_subdomains = true;
    EXPECT_TRUE(pki::name_allowed(r, "a.b.example.com"));
    EXPECT_FALSE(pki::name_allowed(r, "aexample.com"));
    EXPECT_FALSE(pki::name_allowed(r, "example.com"));
    r.allow_bare_domains = true;
    EXPECT_TRUE(pki::name_allowed(r, "example.com"));
    EXPECT_TRUE(pki::name_allowed(r, "localhost"));
    r.allow_localhost = false;
    EXPECT_FALSE(pki::name_allowed(r, "localhost"));
    r.allow_any_name = true;
    EXPECT_TRUE(pki::name_allowed(r, "anything.org"));
}

}  // namespace
}  // namespace vsim::test
