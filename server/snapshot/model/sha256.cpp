// SHA-256 through OpenSSL's EVP interface (see sha256.hpp).
#include "snapshot/model/sha256.hpp"

#include <openssl/evp.h>

namespace vk::snapshot {

struct sha256_hasher::ctx
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

sha256_hasher::sha256_hasher()
    : ctx_(std::make_unique<ctx>())
{
    EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr);
}

sha256_hasher::~sha256_hasher() = default;
sha256_hasher::sha256_hasher(sha256_hasher&&) noexcept = default;
sha256_hasher& sha256_hasher::operator=(sha256_hasher&&) noexcept = default;

void sha256_hasher::update(std::string_view data)
{
    EVP_DigestUpdate(ctx_->md.get(), data.data(), data.size());
}

std::string sha256_hasher::hex_digest()
{
    static constexpr char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx_->md.get(), md, &len);
    EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr);
    std::string out;
    for (unsigned i = 0; i < len; ++i)
    {
        out.push_back(digits[md[i] >> 4]);
        out.push_back(digits[md[i] & 15]);
    }
    return out;
}

}  // namespace vk::snapshot
