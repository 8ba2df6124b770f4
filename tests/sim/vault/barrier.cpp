// AES-256-GCM through OpenSSL's EVP interface.
#include "barrier.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace vsim::barrier {
namespace {

using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

ctx_ptr new_ctx()
{
    ctx_ptr ctx{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
    if (!ctx)
        throw std::bad_alloc();
    return ctx;
}

const unsigned char* u8(std::string_view s)
{
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string encrypt(const bytes& key, std::string_view plaintext, std::string_view aad)
{
    return encrypt_with_nonce(key, random_bytes(nonce_size), plaintext, aad);
}

std::string encrypt_with_nonce(const bytes& key, const bytes& nonce, std::string_view plaintext,
                               std::string_view aad)
{
    if (key.size() != key_size || nonce.size() != nonce_size)
        throw std::invalid_argument("barrier key must be 32 bytes and the nonce 12");
    std::string out(nonce_size + plaintext.size() + tag_size, '\0');
    std::copy(nonce.begin(), nonce.end(), out.begin());
    auto* ct = reinterpret_cast<unsigned char*>(out.data()) + nonce_size;
    auto ctx = new_ctx();
    int len = 0;
    bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) == 1;
    ok = ok && (aad.empty() ||
                EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1);
    ok = ok && EVP_EncryptUpdate(ctx.get(), ct, &len, u8(plaintext), static_cast<int>(plaintext.size())) == 1;
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, ct + plaintext.size()) == 1;
    if (!ok)
        throw std::runtime_error("AES-GCM encryption failed");
    return out;
}

std::optional<std::string> decrypt(const bytes& key, std::string_view blob, std::string_view aad)
{
    if (key.size() != key_size || blob.size() < nonce_size + tag_size)
        return std::nullopt;
    const auto ct_size = blob.size() - nonce_size - tag_size;
    std::string out(ct_size, '\0');
    auto ctx = new_ctx();
    int len = 0;
    std::string tag{blob.substr(nonce_size + ct_size)};
    bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), u8(blob)) == 1;
    ok = ok && (aad.empty() ||
                EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1);
    ok = ok && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                                 u8(blob.substr(nonce_size, ct_size)), static_cast<int>(ct_size)) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, tag.data()) == 1;
    ok = ok && EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
    if (!ok)
        return std::nullopt;
    return out;
}

}  // namespace vsim::barrier
