#include "keeper/model/object_version.hpp"

#include <array>
#include <openssl/sha.h>

namespace vk::keeper {

std::string sha256_hex(std::string_view bytes)
{
    std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d.data());
    return lower_hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::string lower_hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes)
    {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

}  // namespace vk::keeper
