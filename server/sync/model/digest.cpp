// SHA-256 through OpenSSL's one-shot EVP_Digest (no deprecated SHA256_* calls, no context to manage).
#include "sync/model/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace vk::sync {

sha256_digest sha256(std::string_view data) noexcept
{
    sha256_digest out{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
    return out;
}

sha256_digest hmac_sha256(std::string_view key, std::string_view data) noexcept
{
    sha256_digest out{};
    unsigned int len = 0;
    // HMAC() with an empty key must still get a non-null pointer.
    static const unsigned char none = 0;
    const void* k = key.empty() ? static_cast<const void*>(&none) : key.data();
    HMAC(EVP_sha256(), k, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out.data(), &len);
    return out;
}

std::string to_hex(const sha256_digest& d)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(d.size() * 2, '\0');
    for (std::size_t i = 0; i < d.size(); ++i)
    {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 0xF];
    }
    return out;
}

std::string sha256_hex(std::string_view data)
{
    return to_hex(sha256(data));
}

}  // namespace vk::sync
