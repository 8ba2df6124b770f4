#include "core/sealed_blob.hpp"

#include <array>
#include <memory>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <optional>

namespace vk {
namespace {

constexpr std::string_view magic = "VKS1";
constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;

using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* u8(std::string_view s)
{
    return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* u8(std::string& s)
{
    return reinterpret_cast<unsigned char*>(s.data());
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> from_hex(std::string_view text)
{
    if (text.size() % 2 != 0)
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2)
    {
        int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

std::optional<std::string> from_base64(std::string_view text)
{
    if (text.empty() || text.size() % 4 != 0)
        return std::nullopt;
    std::string out(text.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(u8(out), u8(text), static_cast<int>(text.size()));
    if (n < 0)
        return std::nullopt;
    std::size_t pad = 0;
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i)
        ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

error bad_blob(std::string_view name, std::string_view why)
{
    return make_error(errc::bad_response,
                      "object " + std::string(name) + " does not open: " + std::string(why));
}

}  // namespace

result<secret> decode_kek(const secret& configured)
{
    const std::string& text = configured.reveal();
    if (text.size() == 64)
        if (auto raw = from_hex(text))
            return secret(std::move(*raw), configured.source());
    if (auto raw = from_base64(text); raw && raw->size() == 32)
        return secret(std::move(*raw), configured.source());
    std::string found =
        text.size() == 64 ? "64 characters that are not hex" : std::to_string(text.size()) + " characters";
    return make_error(errc::invalid_argument,
                      "must be 32 bytes as 64 hex digits or base64 (44 characters); found " + found);
}

result<std::string> seal_blob(const secret& kek, std::string_view name, std::string_view plaintext)
{
    if (kek.reveal().size() != 32)
        return make_error(errc::invalid_argument, "key-encryption key is not 32 bytes");
    std::string out(magic);
    out.resize(magic.size() + nonce_size + plaintext.size() + tag_size);
    unsigned char* nonce = u8(out) + magic.size();
    if (RAND_bytes(nonce, nonce_size) != 1)
        return make_error(errc::internal, "no random bytes for the nonce");
    ctx_ptr ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int len = 0;
    unsigned char* body = nonce + nonce_size;
    bool ok =
        ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u8(kek.reveal()), nonce) == 1 &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(name), static_cast<int>(name.size())) == 1 &&
        EVP_EncryptUpdate(ctx.get(), body, &len, u8(plaintext), static_cast<int>(plaintext.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx.get(), body + len, &len) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, body + plaintext.size()) == 1;
    if (!ok)
        return make_error(errc::internal, "AES-256-GCM sealing failed");
    return out;
}

result<std::string> open_blob(const secret& kek, std::string_view name, std::string_view sealed)
{
    if (sealed.size() < magic.size() + nonce_size + tag_size || sealed.substr(0, magic.size()) != magic)
        return bad_blob(name, "not a vaultkeeper object");
    if (kek.reveal().size() != 32)
        return make_error(errc::invalid_argument, "key-encryption key is not 32 bytes");
    auto nonce = u8(sealed) + magic.size();
    std::string_view body =
        sealed.substr(magic.size() + nonce_size, sealed.size() - magic.size() - nonce_size - tag_size);
    std::string tag(sealed.substr(sealed.size() - tag_size));
    std::string out(body.size(), '\0');
    ctx_ptr ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int len = 0;
    bool ok = ctx &&
              EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u8(kek.reveal()), nonce) == 1 &&
              EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(name), static_cast<int>(name.size())) == 1 &&
              EVP_DecryptUpdate(ctx.get(), u8(out), &len, u8(body), static_cast<int>(body.size())) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, u8(tag)) == 1 &&
              EVP_DecryptFinal_ex(ctx.get(), u8(out) + len, &len) == 1;
    if (!ok)
        return bad_blob(name, "authentication failed (changed, another object's file, or another key)");
    return out;
}

}  // namespace vk
