#include "core/sealed_blob.hpp"

#include <array>
#include <memory>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <optional>

namespace vk {
namespace {

constexpr std::string_view magic = "VKS1";
constexpr std::string_view magic_with_id = "VKS2";
constexpr std::size_t id_size = 8;
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

namespace {

// header | 12-byte random nonce | ciphertext | 16-byte tag, the name as additional data.
result<std::string> seal_after(std::string header, const secret& kek, std::string_view name,
                               std::string_view plaintext)
{
    if (kek.reveal().size() != 32)
        return make_error(errc::invalid_argument, "key-encryption key is not 32 bytes");
    std::string out = std::move(header);
    std::size_t start = out.size();
    out.resize(start + nonce_size + plaintext.size() + tag_size);
    unsigned char* nonce = u8(out) + start;
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

// The header's length: magic alone (VKS1) or magic and key id (VKS2); 0 when the bytes are not ours.
std::size_t header_size(std::string_view sealed)
{
    if (sealed.substr(0, magic.size()) == magic)
        return magic.size();
    if (sealed.substr(0, magic_with_id.size()) == magic_with_id)
        return magic_with_id.size() + id_size;
    return 0;
}

}  // namespace

std::string kek_id(const secret& kek)
{
    std::string input = "vaultkeeper kek id" + kek.reveal();
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(u8(input), input.size(), digest);
    OPENSSL_cleanse(input.data(), input.size());
    return std::string(reinterpret_cast<const char*>(digest), id_size);
}

result<std::string> seal_blob(const secret& kek, std::string_view name, std::string_view plaintext)
{
    return seal_after(std::string(magic), kek, name, plaintext);
}

result<std::string> seal_blob_with_id(const secret& kek, std::string_view name, std::string_view plaintext)
{
    return seal_after(std::string(magic_with_id) + kek_id(kek), kek, name, plaintext);
}

std::optional<std::string> blob_key_id(std::string_view sealed)
{
    if (sealed.substr(0, magic_with_id.size()) != magic_with_id ||
        sealed.size() < magic_with_id.size() + id_size)
        return std::nullopt;
    return std::string(sealed.substr(magic_with_id.size(), id_size));
}

result<std::string> open_blob(const secret& kek, std::string_view name, std::string_view sealed)
{
    std::size_t header = header_size(sealed);
    if (header == 0 || sealed.size() < header + nonce_size + tag_size)
        return bad_blob(name, "not a vaultkeeper object");
    if (kek.reveal().size() != 32)
        return make_error(errc::invalid_argument, "key-encryption key is not 32 bytes");
    auto nonce = u8(sealed) + header;
    std::string_view body =
        sealed.substr(header + nonce_size, sealed.size() - header - nonce_size - tag_size);
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
