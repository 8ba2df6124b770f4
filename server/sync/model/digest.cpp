// SHA-256 through OpenSSL's one-shot EVP_Digest (no deprecated SHA256_* calls, no context to manage).
#include "sync/model/digest.hpp"

#include <openssl/evp.h>

namespace vk::sync {

sha256_digest sha256(std::string_view data) noexcept
{
    sha256_digest out{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
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
