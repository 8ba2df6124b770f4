// OpenSSL certificate building for the PKI engine (see pki_x509.hpp).
#include "pki_x509.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <memory>

namespace vsim::pki {

namespace {

template <auto Free> struct deleter
{
    template <typename T> void operator()(T* p) const { Free(p); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, deleter<BN_free>>;

key_ptr new_key(const std::string& type)
{
    return key_ptr(type == "rsa" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
}

std::string bio_text(BIO* b)
{
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string cert_pem(X509* x)
{
    bio_ptr b(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(b.get(), x);
    return bio_text(b.get());
}

std::string key_pem(EVP_PKEY* k)
{
    bio_ptr b(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey_traditional(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
    return bio_text(b.get());
}

// A random positive 159-bit serial (RFC 5280 allows up to 20 octets), rendered as Vault does ("3a:0f:...").
std::string set_serial(X509* x)
{
    unsigned char raw[20];
    RAND_bytes(raw, sizeof raw);
    raw[0] &= 0x7f;
    raw[0] |= 0x01;  // keep all 20 octets so the rendering has a fixed length
    bn_ptr bn(BN_bin2bn(raw, sizeof raw, nullptr));
    BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x));
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw)
    {
        if (!out.empty())
            out += ':';
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext)
        return false;
    bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

std::string san_value(const subject& s)
{
    std::string v;
    auto add = [&](std::string_view kind, const std::string& name) {
        v += (v.empty() ? "" : ",") + std::string(kind) + ":" + name;
    };
    for (const auto& d : s.dns_sans)
        add("DNS", d);
    for (const auto& ip : s.ip_sans)
        add("IP", ip);
    return v;
}

// The fields every certificate shares: version 3, serial, validity, subject CN, public key.
x509_ptr new_cert(const subject& s, EVP_PKEY* key, std::string& serial)
{
    x509_ptr x(X509_new());
    X509_set_version(x.get(), 2);
    serial = set_serial(x.get());
    ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(s.not_before));
    ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(s.not_after));
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(s.common_name.c_str()), -1, -1, 0);
    X509_set_pubkey(x.get(), key);
    return x;
}

std::optional<issued> finish(X509* x, EVP_PKEY* key, EVP_PKEY* signer, const subject& s, std::string serial)
{
    if (X509_sign(x, signer, EVP_sha256()) <= 0)
        return std::nullopt;
    return issued{cert_pem(x), key_pem(key), s.key_type == "rsa" ? "rsa" : "ec", std::move(serial),
                  s.not_after};
}

}  // namespace

std::optional<issued> make_root(const subject& s)
{
    key_ptr key = new_key(s.key_type);
    if (!key)
        return std::nullopt;
    std::string serial;
    x509_ptr x = new_cert(s, key.get(), serial);
    X509_set_issuer_name(x.get(), X509_get_subject_name(x.get()));
    bool ok = add_ext(x.get(), x.get(), NID_basic_constraints, "critical,CA:TRUE") &&
              add_ext(x.get(), x.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
              add_ext(x.get(), x.get(), NID_subject_key_identifier, "hash") &&
              add_ext(x.get(), x.get(), NID_authority_key_identifier, "keyid:always");
    if (!ok || (!s.dns_sans.empty() && !add_ext(x.get(), x.get(), NID_subject_alt_name, san_value(s))))
        return std::nullopt;
    return finish(x.get(), key.get(), key.get(), s, std::move(serial));
}

std::optional<issued> sign_leaf(const subject& s, const std::string& ca_cert_pem,
                                const std::string& ca_key_pem)
{
    bio_ptr cb(BIO_new_mem_buf(ca_cert_pem.data(), static_cast<int>(ca_cert_pem.size())));
    bio_ptr kb(BIO_new_mem_buf(ca_key_pem.data(), static_cast<int>(ca_key_pem.size())));
    x509_ptr ca(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
    key_ptr ca_key(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
    key_ptr key = new_key(s.key_type);
    if (!ca || !ca_key || !key)
        return std::nullopt;
    std::string serial;
    x509_ptr x = new_cert(s, key.get(), serial);
    X509_set_issuer_name(x.get(), X509_get_subject_name(ca.get()));
    bool ok =
        add_ext(x.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment,keyAgreement") &&
        add_ext(x.get(), ca.get(), NID_ext_key_usage, "serverAuth,clientAuth") &&
        add_ext(x.get(), ca.get(), NID_subject_key_identifier, "hash") &&
        add_ext(x.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    std::string sans = san_value(s);
    if (!ok || (!sans.empty() && !add_ext(x.get(), ca.get(), NID_subject_alt_name, sans)))
        return std::nullopt;
    return finish(x.get(), key.get(), ca_key.get(), s, std::move(serial));
}

}  // namespace vsim::pki
