#include "snapshot/model/ber_reader.hpp"

namespace vk::snapshot::ber {

step read_header(cursor& c, tlv& t)
{
    const auto in = c.rest();
    if (in.size() < 2)
        return step::more;
    t.tag = static_cast<unsigned char>(in[0]);
    if ((t.tag & 0x1f) == 0x1f)
        return step::bad;
    const auto first = static_cast<unsigned char>(in[1]);
    std::size_t used = 2;
    t.indefinite = first == 0x80;
    t.length = first & 0x7f;
    if (t.indefinite && !(t.tag & 0x20))
        return step::bad;  // only constructed encodings may be indefinite
    if (first > 0x80)
    {
        const std::size_t n = first & 0x7f;
        if (n > 8)
            return step::bad;
        if (in.size() < 2 + n)
            return step::more;
        t.length = 0;
        for (std::size_t i = 0; i < n; ++i)
            t.length = (t.length << 8) | static_cast<unsigned char>(in[2 + i]);
        used += n;
    }
    c.pos += used;
    return step::ok;
}

step read_whole(cursor& c, unsigned char tag, std::string_view& value, std::string_view* whole)
{
    cursor probe = c;
    tlv t;
    if (auto s = read_header(probe, t); s != step::ok)
        return s;
    if (t.tag != tag || t.indefinite)
        return step::bad;
    if (probe.rest().size() < t.length)
        return step::more;
    value = probe.rest().substr(0, t.length);
    if (whole)
        *whole = c.rest().substr(0, probe.pos - c.pos + t.length);
    c.pos = probe.pos + t.length;
    return step::ok;
}

}  // namespace vk::snapshot::ber
