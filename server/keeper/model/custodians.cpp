// Custodians' keys and shares: ASCII armour and the first OpenPGP packet (RFC 4880 4.2, 5.5.2, 12.2) read
// just far enough to know a v4 public key and its fingerprint; the pgp_keys order; the fetch record.
#include "keeper/model/custodians.hpp"

#include "core/base64.hpp"
#include "core/json_field.hpp"
#include "keeper/model/object_version.hpp"

#include <algorithm>
#include <cctype>
#include <openssl/sha.h>

namespace vk::keeper {

namespace {

constexpr int tag_secret_key = 5;
constexpr int tag_public_key = 6;

error bad_key(const std::string& why)
{
    return make_error(errc::invalid_argument, "not an OpenPGP public key: " + why);
}

// The base64 body between the armour's header block and its checksum line.
result<std::string> dearmor(std::string_view text)
{
    if (text.find("-----BEGIN PGP PRIVATE KEY BLOCK-----") != std::string_view::npos)
        return bad_key("this is a secret key; give the public key (gpg --export)");
    auto begin = text.find("-----BEGIN PGP PUBLIC KEY BLOCK-----");
    if (begin == std::string_view::npos)
        return bad_key("ASCII armour without a PUBLIC KEY BLOCK");
    auto body = text.find("\n\n", begin);
    if (auto crlf = text.find("\r\n\r\n", begin); crlf < body)
        body = crlf;
    auto end = text.find("-----END PGP PUBLIC KEY BLOCK-----", begin);
    if (body == std::string_view::npos || end == std::string_view::npos || end < body)
        return bad_key("ASCII armour cut short");
    std::string b64;
    bool line_start = true;
    for (char c : text.substr(body, end - body))
    {
        if (line_start && c == '=')
            break;  // a line "=XXXX" is the checksum: the data ends before it
        line_start = c == '\n';
        if (!std::isspace(static_cast<unsigned char>(c)))
            b64.push_back(c);
    }
    auto bin = base64_decode(b64);
    if (!bin)
        return bad_key("the armour's body is not base64");
    return *bin;
}

struct packet
{
    int tag = 0;
    std::string_view body;
};

// The first packet's tag and body (new and old formats, no partial lengths).
result<packet> first_packet(std::string_view bin)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bin[i]); };
    if (bin.empty() || !(byte(0) & 0x80))
        return bad_key("no OpenPGP packet");
    packet p;
    std::size_t pos = 1, len = 0, n = 0;
    if (byte(0) & 0x40)
    {
        p.tag = byte(0) & 0x3f;
        if (bin.size() < 2)
            return bad_key("cut short");
        if (byte(1) < 192)
            len = byte(1), pos = 2;
        else if (byte(1) < 224 && bin.size() >= 3)
            len = ((byte(1) - 192u) << 8) + byte(2) + 192u, pos = 3;
        else if (byte(1) == 255)
            n = 4, pos = 2;
        else
            return bad_key("unexpected packet length");
    }
    else
    {
        p.tag = (byte(0) >> 2) & 0x0f;
        n = std::size_t{1} << (byte(0) & 3);
        if ((byte(0) & 3) == 3)
            return bad_key("unexpected packet length");
    }
    for (std::size_t i = 0; i < n && pos < bin.size(); ++i, ++pos)
        len = (len << 8) | byte(pos);
    if (pos + len > bin.size())
        return bad_key("cut short");
    p.body = bin.substr(pos, len);
    return p;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::string fingerprint_v4(std::string_view body)
{
    std::string hashed{'\x99', static_cast<char>(body.size() >> 8), static_cast<char>(body.size() & 0xff)};
    hashed.append(body);
    unsigned char d[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(hashed.data()), hashed.size(), d);
    return upper(lower_hex(std::string_view(reinterpret_cast<const char*>(d), sizeof d)));
}

}  // namespace

result<openpgp_public_key> read_public_key(std::string_view file)
{
    std::string bin;
    if (file.find("-----BEGIN PGP") != std::string_view::npos)
    {
        auto d = dearmor(file);
        if (!d)
            return d.error();
        bin = std::move(*d);
    }
    else
        bin = std::string(file);
    auto p = first_packet(bin);
    if (!p)
        return p.error();
    if (p->tag == tag_secret_key)
        return bad_key("this is a secret key; give the public key (gpg --export)");
    if (p->tag != tag_public_key)
        return bad_key("the first packet is not a public key (tag " + std::to_string(p->tag) + ")");
    if (p->body.empty() || p->body[0] != 4)
        return bad_key("only version 4 keys are supported (as Vault's)");
    return openpgp_public_key{std::move(bin), fingerprint_v4(p->body)};
}

boost::json::object to_json(const custodian_share& c)
{
    return {{"name", c.name},
            {"fingerprint", c.fingerprint},
            {"message", c.message},
            {"fetched_by", c.fetched_by},
            {"fetched_unix", c.fetched_unix},
            {"fetches", c.fetches}};
}

custodian_share custodian_share_from(const boost::json::object& o)
{
    auto number = [&](std::string_view k) {
        const auto* v = o.if_contains(k);
        return v && v->is_int64() ? v->as_int64() : std::int64_t{0};
    };
    return {string_field(o, "name"),    string_field(o, "fingerprint"),
            string_field(o, "message"), string_field(o, "fetched_by"),
            number("fetched_unix"),     static_cast<int>(number("fetches"))};
}

std::vector<std::string> pgp_keys_for(int store_shares, const std::string& own_key_b64,
                                      const std::vector<std::string>& custodian_keys_b64)
{
    std::vector<std::string> out(static_cast<std::size_t>(std::max(store_shares, 0)), own_key_b64);
    out.insert(out.end(), custodian_keys_b64.begin(), custodian_keys_b64.end());
    return out;
}

result<std::string> share_from_pgp_plaintext(std::string_view hex)
{
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back())))
        hex.remove_suffix(1);
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0)
            break;
        bytes.push_back(static_cast<char>(hi * 16 + lo));
    }
    if (hex.empty() || hex.size() % 2 != 0 || bytes.size() * 2 != hex.size())
        return make_error(errc::bad_response, "a decrypted share is not the hex Vault encrypts");
    auto out = base64_encode(bytes);
    std::fill(bytes.begin(), bytes.end(), '\0');
    return out;
}

bool custodian_fingerprints_match(const std::vector<std::string>& announced,
                                  const std::vector<custodian_share>& custodians)
{
    if (announced.empty())
        return true;
    if (announced.size() < custodians.size())
        return false;
    auto tail = announced.end() - static_cast<std::ptrdiff_t>(custodians.size());
    return std::equal(
        tail, announced.end(), custodians.begin(),
        [](const std::string& a, const custodian_share& c) { return upper(a) == upper(c.fingerprint); });
}

result<custodian_share> fetch_share(std::vector<custodian_share>& shares, std::string_view name,
                                    const std::string& who, std::int64_t now_unix, bool again)
{
    auto it = std::find_if(shares.begin(), shares.end(), [&](const auto& c) { return c.name == name; });
    if (it == shares.end() || it->message.empty())
        return make_error(errc::not_found, "no share of custodian \"" + std::string(name) + "\" is held");
    if (it->fetches > 0 && !again)
        return make_error(errc::conflict, "custodian \"" + it->name + "\" already fetched this share (by " +
                                              it->fetched_by + " at Unix time " +
                                              std::to_string(it->fetched_unix) +
                                              "); ask with ?again=true to download it once more");
    if (it->fetches == 0)
    {
        it->fetched_by = who;
        it->fetched_unix = now_unix;
    }
    ++it->fetches;
    return *it;
}

}  // namespace vk::keeper
