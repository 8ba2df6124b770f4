// base64 encode and strict decode.
#include "core/base64.hpp"

#include <array>
#include <cstdint>

namespace vk {
namespace {

constexpr std::string_view b64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

// Both directions write through a pointer into a string sized once: a million secrets' sync info is ~100 MB
// of Consul values each way, and appending a character at a time was a tenth of a destination cycle's CPU.
std::string base64_encode(std::string_view bytes)
{
    std::string out((bytes.size() + 2) / 3 * 4, '\0');
    char* o = out.data();
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3)
    {
        const std::uint32_t n = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
        *o++ = b64_alphabet[(n >> 18) & 63];
        *o++ = b64_alphabet[(n >> 12) & 63];
        *o++ = b64_alphabet[(n >> 6) & 63];
        *o++ = b64_alphabet[n & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0)
    {
        std::uint32_t n = std::uint32_t{p[i]} << 16;
        if (rest == 2)
            n |= std::uint32_t{p[i + 1]} << 8;
        *o++ = b64_alphabet[(n >> 18) & 63];
        *o++ = b64_alphabet[(n >> 12) & 63];
        *o++ = rest == 2 ? b64_alphabet[(n >> 6) & 63] : '=';
        *o++ = '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    static const auto rev = [] {
        std::array<std::int8_t, 256> r;
        r.fill(-1);
        for (std::size_t k = 0; k < b64_alphabet.size(); ++k)
            r[static_cast<unsigned char>(b64_alphabet[k])] = static_cast<std::int8_t>(k);
        return r;
    }();
    std::string out(text.size() / 4 * 3, '\0');
    char* o = out.data();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t quads = text.size() / 4;
    for (std::size_t q = 0; q < quads; ++q, p += 4)
    {
        // Padding only at the very end, and at most two characters of it ('=' anywhere else is not in rev).
        int pad = 0;
        if (q + 1 == quads && p[3] == '=')
            pad = p[2] == '=' ? 2 : 1;
        std::uint32_t n = 0;
        for (int j = 0; j < 4 - pad; ++j)
        {
            const int d = rev[p[j]];
            if (d < 0)
                return std::nullopt;
            n = (n << 6) | static_cast<std::uint32_t>(d);
        }
        n <<= 6 * pad;
        *o++ = static_cast<char>((n >> 16) & 255);
        if (pad < 2)
            *o++ = static_cast<char>((n >> 8) & 255);
        if (pad < 1)
            *o++ = static_cast<char>(n & 255);
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
    return out;
}

}  // namespace vk
