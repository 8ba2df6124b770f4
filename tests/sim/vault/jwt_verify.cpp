// JWT parsing, signature verification and claim checks of the JWT auth method (see jwt_verify.hpp).
#include "jwt_verify.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include "codec.hpp"

namespace vsim::jwt {

namespace {

constexpr std::string_view claims_failed = "error validating claims: ";
// go-jose v2's jwt validation errors, which Vault wraps after claims_failed.
constexpr std::string_view jose = "square/go-jose/jwt: validation failed, ";

// Base64url without padding (RFC 7515 section 2), decoded through the standard alphabet.
std::optional<std::string> b64url_decode(std::string_view in)
{
    if (in.find_first_of("+/=") != std::string_view::npos)
        return std::nullopt;
    std::string std_form(in);
    std::replace(std_form.begin(), std_form.end(), '-', '+');
    std::replace(std_form.begin(), std_form.end(), '_', '/');
    std_form.append((4 - std_form.size() % 4) % 4, '=');
    auto raw = base64_decode(std_form);
    if (!raw)
        return std::nullopt;
    return std::string(raw->begin(), raw->end());
}

std::optional<json::object> json_object_of(const std::string& text)
{
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    return std::move(v.get_object());
}

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// A PUBLIC KEY block, or the key of a CERTIFICATE block (certutil.ParsePublicKeyPEM takes both).
pkey_ptr load_key(std::string_view pem)
{
    auto read = [&](auto fn) {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(
            BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
        return fn(bio.get());
    };
    pkey_ptr key(read([](BIO* b) { return PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr); }),
                 &EVP_PKEY_free);
    if (key)
        return key;
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        read([](BIO* b) { return PEM_read_bio_X509(b, nullptr, nullptr, nullptr); }), &X509_free);
    return pkey_ptr(cert ? X509_get_pubkey(cert.get()) : nullptr, &EVP_PKEY_free);
}

// What an alg asks for: the key type, the digest, PSS padding.
struct alg_spec
{
    int key_type = EVP_PKEY_NONE;
    const EVP_MD* md = nullptr;
    bool pss = false;
};

alg_spec spec_of(std::string_view alg)
{
    if (alg.size() != 5)
        return {};
    const EVP_MD* md = alg.ends_with("256")   ? EVP_sha256()
                       : alg.ends_with("384") ? EVP_sha384()
                       : alg.ends_with("512") ? EVP_sha512()
                                              : nullptr;
    if (alg.starts_with("RS"))
        return {EVP_PKEY_RSA, md, false};
    if (alg.starts_with("PS"))
        return {EVP_PKEY_RSA, md, true};
    if (alg.starts_with("ES"))
        return {EVP_PKEY_EC, md, false};
    return {};
}

// JWS carries ECDSA signatures as r||s, each as wide as the curve's order; OpenSSL verifies DER.
std::optional<std::string> ecdsa_der(const std::string& raw, EVP_PKEY* key)
{
    std::size_t half = (static_cast<std::size_t>(EVP_PKEY_get_bits(key)) + 7) / 8;
    if (raw.size() != 2 * half)
        return std::nullopt;
    auto* u = reinterpret_cast<const unsigned char*>(raw.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
    BIGNUM* r = BN_bin2bn(u, static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(u + half, static_cast<int>(half), nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1)
    {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0)
        return std::nullopt;
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

bool verify_with(const token& t, const alg_spec& spec, EVP_PKEY* key)
{
    if (EVP_PKEY_get_base_id(key) != spec.key_type)
        return false;
    std::string sig = t.signature;
    if (spec.key_type == EVP_PKEY_EC)
    {
        auto der = ecdsa_der(t.signature, key);
        if (!der)
            return false;
        sig = std::move(*der);
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, spec.md, nullptr, key) != 1)
        return false;
    if (spec.pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(t.signing_input.data()),
                            t.signing_input.size()) == 1;
}

// A NumericDate claim in whole seconds; 0 when absent (Vault zeroes missing exp/nbf/iat).
std::int64_t date_of(const json::object& claims, std::string_view name)
{
    const json::value* v = claims.if_contains(name);
    if (!v)
        return 0;
    if (v->is_double())
        return static_cast<std::int64_t>(v->get_double());
    return v->is_int64() ? v->get_int64() : v->is_uint64() ? static_cast<std::int64_t>(v->get_uint64()) : 0;
}

std::int64_t leeway_or(std::int64_t stored, std::int64_t fallback)
{
    return stored < 0 ? 0 : stored == 0 ? fallback : stored;
}

std::vector<std::string> audiences_of(const json::object& claims)
{
    std::vector<std::string> out;
    const json::value* aud = claims.if_contains("aud");
    if (aud && aud->is_string())
        out.emplace_back(aud->get_string());
    else if (aud && aud->is_array())
        for (const auto& a : aud->get_array())
            if (a.is_string())
                out.emplace_back(a.get_string());
    return out;
}

std::string string_claim(const json::object& claims, std::string_view name)
{
    const json::value* v = claims.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : "";
}

// Derives a missing exp or nbf from the others as path_login.go does; "" when the token carries none.
std::string fill_times(std::int64_t& exp, std::int64_t& nbf, std::int64_t iat, const leeways& l)
{
    if (iat == 0 && exp == 0 && nbf == 0)
        return "no issue time, notbefore, or expiration time encoded in token";
    if (exp == 0)
        exp = std::max(iat, nbf) + leeway_or(l.expiration, 150);
    if (nbf == 0)
        nbf = iat != 0 ? iat : exp - leeway_or(l.not_before, 150);
    return {};
}

// go-jose's Claims.ValidateWithLeeway: iss, sub, then nbf, exp and iat against now with the clock skew.
std::optional<std::string> check_registered(const json::object& claims, const bindings& b, std::int64_t now_s,
                                            std::int64_t exp, std::int64_t nbf)
{
    const std::int64_t skew = leeway_or(b.leeway.clock_skew, 60);
    const char* failure = nullptr;
    if (!b.issuer.empty() && b.issuer != string_claim(claims, "iss"))
        failure = "invalid issuer claim (iss)";
    else if (!b.subject.empty() && b.subject != string_claim(claims, "sub"))
        failure = "invalid subject claim (sub)";
    else if (now_s + skew < nbf)
        failure = "token not valid yet (nbf)";
    else if (now_s - skew > exp)
        failure = "token is expired (exp)";
    else if (now_s + skew < date_of(claims, "iat"))
        // Sic: go-jose v2 spells this one "validation field".
        return std::string(claims_failed) +
               "square/go-jose/jwt: validation field, token issued in the future (iat)";
    if (failure)
        return std::string(claims_failed) + std::string(jose) + failure;
    return std::nullopt;
}

// A claim value as a list (a string is a list of one); nullopt for other types.
std::optional<json::array> as_list(const json::value& v)
{
    if (v.is_array())
        return v.get_array();
    if (v.is_string())
        return json::array{v};
    return std::nullopt;
}

// validateBoundClaims of claims.go: every bound claim present and sharing a value with the bound list.
std::optional<std::string> check_bound_claims(const json::object& claims, const json::object& bound)
{
    const json::value all(claims);
    for (const auto& [name, want] : bound)
    {
        std::string key(name);
        boost::system::error_code ec;
        const json::value* got = key.starts_with("/") ? all.find_pointer(key, ec) : claims.if_contains(key);
        if (!got || got->is_null())
            return std::string(claims_failed) + "claim \"" + key + "\" is missing";
        auto have = as_list(*got);
        if (!have)
            return std::string(claims_failed) +
                   "received claim is not a string or list: " + json::serialize(*got);
        auto allowed = as_list(want);
        if (!allowed)
            return std::string(claims_failed) +
                   "bound claim is not a string or list: " + json::serialize(want);
        bool found = std::any_of(allowed->begin(), allowed->end(), [&](const json::value& a) {
            return std::find(have->begin(), have->end(), a) != have->end();
        });
        if (!found)
            return std::string(claims_failed) + "claim \"" + key +
                   "\" does not match any associated bound claim values";
    }
    return std::nullopt;
}

}  // namespace

std::optional<token> parse(std::string_view compact, std::string* why)
{
    auto first = compact.find('.');
    auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
    if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos)
    {
        *why = "square/go-jose: compact JWS format must have three parts";
        return std::nullopt;
    }
    auto header = b64url_decode(compact.substr(0, first));
    auto payload = b64url_decode(compact.substr(first + 1, second - first - 1));
    auto signature = b64url_decode(compact.substr(second + 1));
    if (!header || !payload || !signature)
    {
        *why = "illegal base64 data";
        return std::nullopt;
    }
    auto h = json_object_of(*header);
    auto c = json_object_of(*payload);
    if (!h || !c)
    {
        *why = "invalid character in JSON";
        return std::nullopt;
    }
    return token{std::move(*h), std::move(*c), std::string(compact.substr(0, second)), std::move(*signature)};
}

std::optional<std::string> check_public_key(std::string_view pem)
{
    if (load_key(pem))
        return std::nullopt;
    return std::string("error parsing public key: data does not contain any valid public keys");
}

bool verify_signature(const token& t, const std::vector<std::string>& pems)
{
    const json::value* alg = t.header.if_contains("alg");
    alg_spec spec = spec_of(alg && alg->is_string() ? std::string_view(alg->get_string()) : "");
    if (!spec.md)
        return false;
    return std::any_of(pems.begin(), pems.end(), [&](const std::string& pem) {
        auto key = load_key(pem);
        return key && verify_with(t, spec, key.get());
    });
}

bool registered_claims_decode(const json::object& claims)
{
    for (std::string_view s : {"iss", "sub", "jti"})
        if (const json::value* v = claims.if_contains(s); v && !v->is_string() && !v->is_null())
            return false;
    for (std::string_view d : {"exp", "nbf", "iat"})
        if (const json::value* v = claims.if_contains(d); v && !v->is_number() && !v->is_null())
            return false;
    const json::value* aud = claims.if_contains("aud");
    if (!aud || aud->is_string() || aud->is_null())
        return true;
    return aud->is_array() && std::all_of(aud->get_array().begin(), aud->get_array().end(),
                                          [](const json::value& a) { return a.is_string(); });
}

std::optional<std::string> check_claims(const json::object& claims, const bindings& b, std::int64_t now_s)
{
    std::int64_t exp = date_of(claims, "exp");
    std::int64_t nbf = date_of(claims, "nbf");
    if (auto missing = fill_times(exp, nbf, date_of(claims, "iat"), b.leeway); !missing.empty())
        return missing;
    auto aud = audiences_of(claims);
    if (!aud.empty() && b.audiences.empty())
        return "audience claim found in JWT but no audiences bound to the role";
    if (auto failed = check_registered(claims, b, now_s, exp, nbf))
        return failed;
    bool aud_ok =
        b.audiences.empty() || std::any_of(b.audiences.begin(), b.audiences.end(), [&](const auto& a) {
            return std::find(aud.begin(), aud.end(), a) != aud.end();
        });
    if (!aud_ok)
        return std::string(claims_failed) + "aud claim does not match any bound audience";
    return check_bound_claims(claims, b.claims);
}

}  // namespace vsim::jwt
