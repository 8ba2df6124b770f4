// The streaming CMS decryptor against envelopes OpenSSL makes in-process the way encrypt_for does
// (CMS_encrypt with CMS_STREAM through BIO_new_CMS: indefinite-length BER, chunked content) and as plain DER:
// fed whole, byte by byte and in random splits; a certificate that is no recipient, a truncated envelope,
// bytes after it, a tampered head and content.
#include "snapshot/model/cms_decryptor.hpp"
#include "snapshot/model/stored_stream.hpp"

#include "archive_builder.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <random>

namespace vk::snapshot {
namespace {

struct identity
{
    std::string cert_pem;
    std::string key_pem;
};

std::string drain(BIO* b)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// A self-signed RSA certificate and its key, PEM.
identity make_identity(const char* cn)
{
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 42);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    BIO* c = BIO_new(BIO_s_mem());
    BIO* k = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(c, cert);
    PEM_write_bio_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
    identity id{drain(c), drain(k)};
    BIO_free(c);
    BIO_free(k);
    X509_free(cert);
    EVP_PKEY_free(key);
    return id;
}

const identity& alice()
{
    static const identity id = make_identity("alice");
    return id;
}

const identity& bob()
{
    static const identity id = make_identity("bob");
    return id;
}

// The envelope for `to`: streamed as encrypt_for writes it (written in `piece`-sized calls), or DER.
std::string envelope(const identity& to, const std::string& plain, bool streamed, std::size_t piece = 4096)
{
    BIO* in = BIO_new_mem_buf(to.cert_pem.data(), static_cast<int>(to.cert_pem.size()));
    X509* cert = PEM_read_bio_X509(in, nullptr, nullptr, nullptr);
    STACK_OF(X509)* certs = sk_X509_new_null();
    sk_X509_push(certs, cert);
    BIO* sink = BIO_new(BIO_s_mem());
    std::string out;
    if (streamed)
    {
        CMS_ContentInfo* cms = CMS_encrypt(certs, nullptr, EVP_aes_256_cbc(), CMS_BINARY | CMS_STREAM);
        BIO* top = BIO_new_CMS(sink, cms);
        for (std::size_t at = 0; at < plain.size(); at += piece)
            BIO_write(top, plain.data() + at, static_cast<int>(std::min(piece, plain.size() - at)));
        BIO_flush(top);
        out = drain(sink);
        while (top && top != sink)
        {
            BIO* next = BIO_pop(top);
            BIO_free(top);
            top = next;
        }
        CMS_ContentInfo_free(cms);
    }
    else
    {
        BIO* data = BIO_new_mem_buf(plain.data(), static_cast<int>(plain.size()));
        CMS_ContentInfo* cms = CMS_encrypt(certs, data, EVP_aes_256_cbc(), CMS_BINARY);
        i2d_CMS_bio(sink, cms);
        out = drain(sink);
        CMS_ContentInfo_free(cms);
        BIO_free(data);
    }
    BIO_free(sink);
    sk_X509_pop_free(certs, X509_free);
    BIO_free(in);
    return out;
}

std::string some_plaintext(std::size_t n)
{
    std::mt19937 rng(7);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(rng());
    return s;
}

std::shared_ptr<const cms_recipient> recipient(const identity& id)
{
    auto r = cms_recipient::from_pem(id.cert_pem, id.key_pem);
    EXPECT_TRUE(r) << r.error().message;
    return *r;
}

// Feeds `env` in pieces whose sizes `next_size` picks; the plaintext, or the first error.
result<std::string> open(const identity& id, const std::string& env,
                         const std::function<std::size_t()>& next_size)
{
    cms_decryptor d(recipient(id));
    std::string out;
    for (std::size_t at = 0; at < env.size();)
    {
        const auto n = std::min(next_size(), env.size() - at);
        if (auto r = d.feed(std::string_view(env).substr(at, n), out); !r)
            return r.error();
        at += n;
    }
    if (auto r = d.finish(out); !r)
        return r.error();
    EXPECT_EQ(d.plaintext_bytes(), out.size());
    return out;
}

result<std::string> open_whole(const identity& id, const std::string& env)
{
    return open(id, env, [&] { return env.size(); });
}

TEST(cms_decryptor, opens_the_streamed_envelope_whole_byte_by_byte_and_in_random_splits)
{
    const auto plain = some_plaintext(100'000);
    const auto env = envelope(alice(), plain, true, 7000);
    ASSERT_EQ(static_cast<unsigned char>(env[1]), 0x80u) << "encrypt_for writes indefinite-length BER";
    EXPECT_EQ(open_whole(alice(), env).value(), plain);
    EXPECT_EQ(open(alice(), env, [] { return std::size_t{1}; }).value(), plain);
    std::mt19937 rng(1);
    for (int round = 0; round < 20; ++round)
        EXPECT_EQ(open(alice(), env, [&] { return std::size_t{1} + rng() % 300; }).value(), plain) << round;
}

TEST(cms_decryptor, a_stored_stream_decrypts_verifies_and_hashes_both_sides)
{
    const auto archive = test::good_archive();
    const auto env = envelope(alice(), archive, true, 1000);
    stored_stream s(recipient(alice()), true);
    std::string out;
    for (std::size_t at = 0; at < env.size(); at += 500)
        out.append(s.feed(std::string_view(env).substr(at, 500)).value());
    out.append(s.finish().value());
    EXPECT_EQ(out, archive);
    EXPECT_EQ(s.summary().stored_sha256, test::sha256_hex(env));
    EXPECT_EQ(s.summary().plain_sha256, test::sha256_hex(archive));
    EXPECT_EQ(s.summary().plain_bytes, archive.size());
    EXPECT_TRUE(s.summary().archive);
    stored_stream wrong(recipient(bob()), true);
    EXPECT_FALSE(wrong.feed(env));
}

TEST(cms_decryptor, opens_der_envelopes_and_empty_or_block_sized_contents)
{
    for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 4096u})
    {
        const auto plain = some_plaintext(n);
        EXPECT_EQ(open_whole(alice(), envelope(alice(), plain, false)).value(), plain) << n;
        EXPECT_EQ(open(alice(), envelope(alice(), plain, true), [] { return std::size_t{1}; }).value(), plain)
            << n;
    }
}

std::string problem(const result<std::string>& r)
{
    EXPECT_FALSE(r);
    if (r)
        return "";
    EXPECT_EQ(r.error().code, errc::bad_response);
    return r.error().message;
}

TEST(cms_decryptor, another_recipients_envelope_is_refused_by_name)
{
    const auto env = envelope(alice(), some_plaintext(1000), true);
    EXPECT_NE(problem(open_whole(bob(), env)).find("no recipient matching the decrypt_with certificate"),
              std::string::npos);
}

TEST(cms_decryptor, truncated_envelopes_and_bytes_after_one_fail)
{
    const auto env = envelope(alice(), some_plaintext(20'000), true, 3000);
    for (std::size_t cut :
         {std::size_t{10}, std::size_t{500}, env.size() / 2, env.size() - 2, env.size() - 1})
        EXPECT_NE(problem(open_whole(alice(), env.substr(0, cut))).find("truncated"), std::string::npos)
            << cut;
    EXPECT_NE(problem(open_whole(alice(), env + "x")).find("bytes after its end"), std::string::npos);
    EXPECT_NE(problem(open_whole(alice(), "not an envelope at all")).find("not a CMS EnvelopedData"),
              std::string::npos);
}

TEST(cms_decryptor, a_tampered_envelope_never_yields_the_plaintext)
{
    const auto plain = some_plaintext(50'000);
    const auto env = envelope(alice(), plain, true, 5000);
    // Every 97th byte flipped in turn (head, chunk headers, content): an error, or other bytes out (the
    // archive verifier refuses those); never the original plaintext with a success.
    for (std::size_t at = 0; at < env.size(); at += 97)
    {
        auto bad = env;
        bad[at] = static_cast<char>(bad[at] ^ 0x01);
        auto r = open_whole(alice(), bad);
        EXPECT_TRUE(!r || *r != plain) << at;
    }
}

TEST(cms_decryptor, a_key_that_is_not_the_certificates_is_refused)
{
    auto r = cms_recipient::from_pem(alice().cert_pem, bob().key_pem);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "decrypt_with: the key is not the certificate's");
    EXPECT_FALSE(cms_recipient::from_pem("nope", alice().key_pem));
}

}  // namespace
}  // namespace vk::snapshot
