// Go's json string escaping and fmt map printing, reproduced byte for byte (see go_format.hpp).
#include "sync/model/go_format.hpp"

#include "sync/model/digest.hpp"

#include <charconv>

namespace vk::sync {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid; same acceptance as Go's
// utf8.DecodeRuneInString (no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i, char32_t& cp)
{
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char b0 = at(0);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        n = 2, cp = b0 & 0x1F;
    else if (b0 >= 0xE0 && b0 <= 0xEF)
        n = 3, cp = b0 & 0x0F, lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    else if (b0 >= 0xF0 && b0 <= 0xF4)
        n = 4, cp = b0 & 0x07, lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k)
    {
        const unsigned char b = at(k);
        // Only the second byte has a narrowed range; the others are plain continuation bytes.
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    return n;
}

bool html_safe(unsigned char b)
{
    return b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&';
}

// Counts what a std::string would receive: the escaper below writes into either.
struct size_counter
{
    std::size_t n = 0;
    size_counter& operator+=(char)
    {
        ++n;
        return *this;
    }
    size_counter& operator+=(std::string_view s)
    {
        n += s.size();
        return *this;
    }
    void append(std::string_view s) { n += s.size(); }
};

template <class Out> void append_ascii_escape(Out& out, unsigned char b)
{
    switch (b)
    {
    case '\\':
    case '"':
        out += '\\';
        out += static_cast<char>(b);
        return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default:
        out += "\\u00";
        out += hex_digits[b >> 4];
        out += hex_digits[b & 0xF];
        return;
    }
}

template <class Out> void write_go_json_string(Out& out, std::string_view s)
{
    out += '"';
    std::size_t start = 0;  // start of the pending run of bytes copied verbatim
    std::size_t i = 0;
    const auto flush = [&](std::size_t end) { out.append(s.substr(start, end - start)); };
    while (i < s.size())
    {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80)
        {
            if (html_safe(b))
            {
                ++i;
                continue;
            }
            flush(i);
            append_ascii_escape(out, b);
            start = ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t n = utf8_sequence_length(s, i, cp);
        if (n == 0 || cp == 0x2028 || cp == 0x2029)
        {
            flush(i);
            out += n == 0 ? "\\ufffd" : (cp == 0x2028 ? "\\u2028" : "\\u2029");
            i += n == 0 ? 1 : n;
            start = i;
            continue;
        }
        i += n;
    }
    flush(i);
    out += '"';
}

}  // namespace

void append_go_json_string(std::string& out, std::string_view s)
{
    write_go_json_string(out, s);
}

std::size_t go_json_string_size(std::string_view s)
{
    size_counter n;
    write_go_json_string(n, s);
    return n.n;
}

void append_go_sprint(std::string& out, const bucket& b)
{
    out += "map[";
    bool first = true;
    char num[24];
    for (const auto& [key, in] : b)
    {
        if (!first)
            out += ' ';
        first = false;
        out += key;
        out += ":{";
        const auto r = std::to_chars(num, num + sizeof num, in.version);
        out.append(num, r.ptr);
        out += ' ';
        out += in.update_time;
        out += ' ';
        out += in.type;
        out += '}';
    }
    out += ']';
}

std::string go_sprint(const bucket& b)
{
    std::string out;
    append_go_sprint(out, b);
    return out;
}

std::string bucket_hash(const bucket& b)
{
    if (b.empty())
        return std::string(empty_bucket_hash);
    // One buffer per call; a bucket's text is at most a few hundred KiB (Consul's value limit bounds it).
    std::string text;
    text.reserve(b.size() * 80);
    append_go_sprint(text, b);
    return sha256_hex(text);
}

}  // namespace vk::sync
