// base64 encode and strict decode.
#include "core/base64.hpp"

#include <array>
#include <cstdint>

namespace vk {
namespace {

constexpr std::string_view b64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3)
    {
        std::uint32_t n =
            (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8) | std::uint8_t(bytes[i + 2]);
        for (int s : {18, 12, 6, 0})
            out += b64_alphabet[(n >> s) & 63];
    }
    std::size_t rest = bytes.size() - i;
    if (rest > 0)
    {
        std::uint32_t n = std::uint8_t(bytes[i]) << 16;
        if (rest == 2)
            n |= std::uint8_t(bytes[i + 1]) << 8;
        out += b64_alphabet[(n >> 18) & 63];
        out += b64_alphabet[(n >> 12) & 63];
        out += rest == 2 ? b64_alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::array<int, 256> rev;
    rev.fill(-1);
    for (std::size_t k = 0; k < b64_alphabet.size(); ++k)
        rev[static_cast<unsigned char>(b64_alphabet[k])] = static_cast<int>(k);
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4)
    {
        std::uint32_t n = 0;
        int pad = 0;
        for (std::size_t j = 0; j < 4; ++j)
        {
            char c = text[i + j];
            // Padding only at the very end, and at most two characters of it.
            if (c == '=' && i + 4 == text.size() && j >= 2)
            {
                ++pad;
                n <<= 6;
                continue;
            }
            int d = rev[static_cast<unsigned char>(c)];
            if (d < 0 || pad > 0)
                return std::nullopt;
            n = (n << 6) | static_cast<std::uint32_t>(d);
        }
        out += static_cast<char>((n >> 16) & 255);
        if (pad < 2)
            out += static_cast<char>((n >> 8) & 255);
        if (pad < 1)
            out += static_cast<char>(n & 255);
    }
    return out;
}

}  // namespace vk
