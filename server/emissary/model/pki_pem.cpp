// PEM blocks and X.509 certificates read with OpenSSL (see pki_pem.hpp).
#include "emissary/model/pki_pem.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

namespace vk::emissary {
namespace {

struct openssl_free
{
    void operator()(BIO* b) const { BIO_free(b); }
    void operator()(X509* x) const { X509_free(x); }
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using x509_ptr = std::unique_ptr<X509, openssl_free>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_free>;

std::unique_ptr<BIO, openssl_free> memory_bio(std::string_view text)
{
    return std::unique_ptr<BIO, openssl_free>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

x509_ptr read_certificate(std::string_view pem)
{
    auto bio = memory_bio(pem);
    return x509_ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

// No password callback: an encrypted key is not readable and is skipped (a null password, never a prompt).
int no_password(char*, int, int, void*)
{
    return -1;
}

pkey_ptr read_private_key(std::string_view pem)
{
    auto bio = memory_bio(pem);
    return pkey_ptr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_password, nullptr) : nullptr);
}

std::optional<wall_time> wall_time_of(const ASN1_TIME* t)
{
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::optional<cert_validity> validity_of(X509* x)
{
    auto nb = wall_time_of(X509_get0_notBefore(x));
    auto na = wall_time_of(X509_get0_notAfter(x));
    if (!nb || !na)
        return std::nullopt;
    return cert_validity{*nb, *na};
}

std::string subject_common_name(X509* x)
{
    const X509_NAME* name = X509_get_subject_name(x);
    const int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i < 0)
        return "";
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

struct parsed_cert
{
    x509_ptr x;
    std::string text;
};

struct pool
{
    std::vector<parsed_cert> certs;
    std::vector<std::pair<pkey_ptr, std::string>> keys;
};

pool read_pool(const std::vector<std::string>& texts)
{
    pool p;
    for (const auto& t : texts)
        for (auto& b : pem_blocks(t))
        {
            if (b.label == "CERTIFICATE")
            {
                if (auto x = read_certificate(b.text))
                    p.certs.push_back({std::move(x), std::move(b.text)});
            }
            else if (b.label.ends_with("PRIVATE KEY"))
            {
                if (auto k = read_private_key(b.text))
                    p.keys.emplace_back(std::move(k), std::move(b.text));
            }
        }
    return p;
}

// The bundle of one leaf certificate of the pool: its key and its issuer; nullopt when it has no key.
std::optional<cert_bundle> bundle_of(const pool& p, const parsed_cert& leaf)
{
    auto validity = validity_of(leaf.x.get());
    if (!validity)
        return std::nullopt;
    cert_bundle b{leaf.text, "", "", *validity};
    for (const auto& [k, text] : p.keys)
        if (X509_check_private_key(leaf.x.get(), k.get()) == 1)
            b.key = text;
    for (const auto& c : p.certs)
        if (c.x != leaf.x && X509_check_issued(c.x.get(), leaf.x.get()) == X509_V_OK)
            b.ca = c.text;
    if (b.key.empty())
        return std::nullopt;
    return b;
}

}  // namespace

std::vector<pem_block> pem_blocks(std::string_view text)
{
    constexpr std::string_view begin = "-----BEGIN ";
    constexpr std::string_view dashes = "-----";
    std::vector<pem_block> out;
    std::size_t pos = 0;
    while ((pos = text.find(begin, pos)) != std::string_view::npos)
    {
        const auto label_end = text.find(dashes, pos + begin.size());
        if (label_end == std::string_view::npos)
            break;
        std::string label(text.substr(pos + begin.size(), label_end - pos - begin.size()));
        const std::string end_marker = "-----END " + label + "-----";
        const auto end = text.find(end_marker, label_end);
        if (end == std::string_view::npos || label.find('\n') != std::string::npos)
        {
            pos = label_end;
            continue;
        }
        out.push_back({std::move(label), std::string(text.substr(pos, end + end_marker.size() - pos))});
        pos = end + end_marker.size();
    }
    return out;
}

result<cert_validity> certificate_validity(std::string_view pem)
{
    auto x = read_certificate(pem);
    auto v = x ? validity_of(x.get()) : std::nullopt;
    if (!v)
        return make_error(errc::bad_response, "not a readable PEM certificate");
    return *v;
}

std::optional<cert_bundle> find_bundle(const std::vector<std::string>& texts, std::string_view common_name,
                                       bool need_ca)
{
    const pool p = read_pool(texts);
    std::optional<cert_bundle> best;
    for (const auto& c : p.certs)
    {
        if (X509_check_ca(c.x.get()) != 0 ||
            (!common_name.empty() && subject_common_name(c.x.get()) != common_name))
            continue;
        auto b = bundle_of(p, c);
        if (!b || (need_ca && b->ca.empty()))
            continue;
        if (!best || b->validity.not_after > best->validity.not_after)
            best = std::move(b);
    }
    return best;
}

}  // namespace vk::emissary
