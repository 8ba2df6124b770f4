#include "cloud/model/gcp_jwt.hpp"

#include "cloud/model/signing_crypto.hpp"
#include "cloud/model/sigv4.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace vk::cloud::gcp {
namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

pkey_ptr read_private_key(std::string_view pem)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                  &BIO_free);
    return pkey_ptr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
                    &EVP_PKEY_free);
}

std::string json_part(boost::json::object o)
{
    return base64url_encode(boost::json::serialize(o));
}

}  // namespace

std::string base64url_encode(std::string_view bytes)
{
    auto s = crypto::base64_encode(bytes);
    while (s.ends_with('='))
        s.pop_back();
    for (auto& c : s)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return s;
}

std::optional<std::string> base64url_decode(std::string_view text)
{
    std::string s(text);
    for (auto& c : s)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    if (s.size() % 4 == 1)
        return std::nullopt;
    s.append((4 - s.size() % 4) % 4, '=');
    return crypto::base64_decode(s);
}

result<std::string> rs256_sign(std::string_view pem_private_key, std::string_view data)
{
    auto key = read_private_key(pem_private_key);
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return make_error(errc::invalid_argument, "the private key is not a PEM RSA private key");
    md_ctx_ptr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1)
        return make_error(errc::internal, "RS256 signing failed");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        return make_error(errc::internal, "RS256 signing failed");
    sig.resize(len);
    return sig;
}

result<std::string> jwt_assertion(const service_account_key& key, std::string_view scope,
                                  std::chrono::system_clock::time_point iat)
{
    boost::json::object header{{"alg", "RS256"}, {"typ", "JWT"}};
    if (!key.private_key_id.empty())
        header["kid"] = key.private_key_id;
    auto issued = std::chrono::duration_cast<std::chrono::seconds>(iat.time_since_epoch()).count();
    boost::json::object claims{{"iss", key.client_email},
                               {"scope", scope},
                               {"aud", key.token_uri},
                               {"iat", issued},
                               {"exp", issued + assertion_lifetime.count()}};
    auto signing_input = json_part(std::move(header)) + "." + json_part(std::move(claims));
    auto sig = rs256_sign(key.private_key.reveal(), signing_input);
    if (!sig)
        return make_error(sig.error().code,
                          "service account key file " + key.path + ": " + sig.error().message);
    return signing_input + "." + base64url_encode(*sig);
}

std::string jwt_grant_body(std::string_view assertion)
{
    return "grant_type=" + sigv4::uri_encode(jwt_bearer_grant, false) +
           "&assertion=" + sigv4::uri_encode(assertion, false);
}

}  // namespace vk::cloud::gcp
