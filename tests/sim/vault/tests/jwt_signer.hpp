// Test keys that sign JWTs (RS256 with a fresh RSA key, ES256 with a fresh P-256 key) for the JWT auth tests.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_TESTS_JWT_SIGNER_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_TESTS_JWT_SIGNER_HPP

#include <boost/json.hpp>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "codec.hpp"

namespace vsim::test {

class jwt_signer
{
public:
    // alg "RS256" or "ES256".
    explicit jwt_signer(std::string alg)
        : alg_(std::move(alg)),
          key_(alg_ == "ES256" ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048), &EVP_PKEY_free)
    {
    }

    std::string public_pem() const
    {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
        PEM_write_bio_PUBKEY(bio.get(), key_.get());
        char* data = nullptr;
        long n = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<std::size_t>(n));
    }

    // The compact JWS of the claims, header {"alg", "typ": "JWT"}.
    std::string sign(const boost::json::object& claims, std::string alg = "") const
    {
        boost::json::object header{{"alg", alg.empty() ? alg_ : alg}, {"typ", "JWT"}};
        std::string input =
            b64url(boost::json::serialize(header)) + "." + b64url(boost::json::serialize(claims));
        return input + "." + b64url(signature(input));
    }

    static std::string b64url(const std::string& raw)
    {
        std::string s = base64_encode(bytes(raw.begin(), raw.end()));
        for (auto& ch : s)
            ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
        while (!s.empty() && s.back() == '=')
            s.pop_back();
        return s;
    }

private:
    std::string signature(const std::string& input) const
    {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get());
        std::size_t len = 0;
        auto* in = reinterpret_cast<const unsigned char*>(input.data());
        EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size());
        sig.resize(len);
        return alg_ == "ES256" ? raw_ecdsa(sig) : sig;
    }

    // DER ECDSA-Sig-Value -> JWS r||s, 32 bytes each.
    static std::string raw_ecdsa(const std::string& der)
    {
        auto* p = reinterpret_cast<const unsigned char*>(der.data());
        std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
            d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())), &ECDSA_SIG_free);
        std::string out(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(out.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(out.data()) + 32, 32);
        return out;
    }

    std::string alg_;
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

}  // namespace vsim::test

#endif
