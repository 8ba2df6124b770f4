// Vault's JSON wire shapes: envelopes, errors, ids, timestamps and weak decoding (see vault_json.hpp).
#include "vault_json.hpp"

#include <algorithm>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>
#include <cstdio>

namespace vsim {

json::array to_array(const std::vector<std::string>& v)
{
    json::array a;
    for (auto& s : v)
        a.emplace_back(s);
    return a;
}

json::object sorted_keys(const json::object& o)
{
    std::vector<const json::key_value_pair*> members;
    for (const auto& kv : o)
        members.push_back(&kv);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    json::object out;
    for (const auto* kv : members)
        out.emplace(kv->key(), kv->value());
    return out;
}

std::int64_t int_at(const json::object& o, std::string_view k)
{
    const auto* v = o.if_contains(k);
    return v && v->is_int64() ? v->get_int64() : 0;
}

std::string string_at(const json::object& o, std::string_view k)
{
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<json::object> stored_object(const storage& st, std::string_view key)
{
    const std::string* raw = st.find(key);
    if (!raw)
        return std::nullopt;
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    return std::move(v.get_object());
}

std::optional<std::string_view> path_below(std::string_view path, std::string_view head)
{
    if (path.starts_with(head) && path.size() > head.size())
        return path.substr(head.size());
    return std::nullopt;
}

json::object envelope(json::value data, std::string_view mount_type)
{
    json::object o;
    o.reserve(9);
    o["request_id"] = new_uuid();
    o["lease_id"] = "";
    o["renewable"] = false;
    o["lease_duration"] = 0;
    o["data"] = std::move(data);
    o["wrap_info"] = nullptr;
    o["warnings"] = nullptr;
    o["auth"] = nullptr;
    o["mount_type"] = mount_type;
    return o;
}

response ok(json::value data, std::string_view mount_type)
{
    return response{200, json::value(envelope(std::move(data), mount_type)), {}};
}

response ok_sys(json::object data)
{
    json::object o = envelope(data, "system");
    for (auto& kv : data)
        o[kv.key()] = kv.value();
    return response{200, json::value(std::move(o)), {}};
}

response error(unsigned status, std::vector<std::string> messages)
{
    json::array errs;
    for (auto& m : messages)
        errs.emplace_back(m);
    return response{status, json::value(json::object{{"errors", std::move(errs)}}), {}};
}

response no_content()
{
    return response{204, std::nullopt, {}};
}

response list_response(std::vector<std::string> keys, std::string_view mount_type)
{
    if (keys.empty())
        return not_found();
    json::array arr;
    arr.reserve(keys.size());
    for (auto& k : keys)
        arr.emplace_back(std::move(k));
    return ok(json::object{{"keys", std::move(arr)}}, mount_type);
}

namespace {

void random_bytes(unsigned char* out, std::size_t n)
{
    // OpenSSL's CSPRNG: ids double as bearer secrets, as in Vault.
    RAND_bytes(out, static_cast<int>(n));
}

}  // namespace

std::string new_uuid()
{
    // request_ids and accessors need uniqueness, not secrecy: a CSPRNG-seeded xorshift is ~100x cheaper
    // than RAND_bytes per call, which matters at 20,000 requests/s.
    thread_local std::uint64_t state = [] {
        std::uint64_t seed = 0;
        random_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed);
        return seed | 1;
    }();
    auto next = [] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state * 0x2545F4914F6CDD1DULL;
    };
    std::uint64_t hi = next(), lo = next();
    hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(36, '-');
    std::size_t pos = 0;
    auto put = [&](std::uint64_t v, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i)
        {
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23)
                ++pos;
            out[pos++] = hex[(v >> (4 * i)) & 15];
        }
    };
    put(hi, 16);
    put(lo, 16);
    return out;
}

std::string random_alnum(std::size_t n)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out(n, ' ');
    std::vector<unsigned char> b(n);
    random_bytes(b.data(), n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = alphabet[b[i] % 62];
    return out;
}

std::string sha256_hex(std::string_view in)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), md);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * SHA256_DIGEST_LENGTH, ' ');
    for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i)
    {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    return out;
}

std::int64_t unix_nanos(clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string rfc3339_nano(std::int64_t unix_ns)
{
    std::int64_t secs = unix_ns / 1000000000;
    std::int64_t frac = unix_ns % 1000000000;
    if (frac < 0)
    {
        frac += 1000000000;
        --secs;
    }
    // Civil date from days since the epoch (H. Hinnant's algorithm): no locale, no printf on the hot path.
    std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    std::int64_t sod = secs - days * 86400;
    std::int64_t z = days + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    std::int64_t year = yoe + era * 400 + (month <= 2);
    char buf[32];
    auto two = [&](char* p, std::int64_t v) {
        p[0] = static_cast<char>('0' + v / 10);
        p[1] = static_cast<char>('0' + v % 10);
    };
    two(buf, year / 100 % 100);
    two(buf + 2, year % 100);
    buf[4] = '-';
    two(buf + 5, month);
    buf[7] = '-';
    two(buf + 8, day);
    buf[10] = 'T';
    two(buf + 11, sod / 3600);
    buf[13] = ':';
    two(buf + 14, sod / 60 % 60);
    buf[16] = ':';
    two(buf + 17, sod % 60);
    std::size_t n = 19;
    if (frac != 0)
    {
        // Go's RFC3339Nano trims trailing zeros of the fraction.
        buf[n++] = '.';
        for (std::int64_t div = 100000000; div > 0 && frac != 0; div /= 10)
        {
            buf[n++] = static_cast<char>('0' + frac / div);
            frac %= div;
        }
    }
    buf[n++] = 'Z';
    return std::string(buf, n);
}

std::string go_duration(std::int64_t s)
{
    if (s == 0)
        return "0s";
    std::string out;
    if (s >= 3600)
        out += std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
    else if (s >= 60)
        out += std::to_string(s / 60) + "m";
    return out + std::to_string(s % 60) + "s";
}

namespace {

std::optional<std::int64_t> parse_int(std::string_view s)
{
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

}  // namespace

std::optional<std::int64_t> weak_int(const json::value& v)
{
    if (v.is_int64())
        return v.get_int64();
    if (v.is_uint64())
        return static_cast<std::int64_t>(v.get_uint64());
    if (v.is_double() && v.get_double() == static_cast<double>(static_cast<std::int64_t>(v.get_double())))
        return static_cast<std::int64_t>(v.get_double());
    if (v.is_bool())
        return v.get_bool() ? 1 : 0;
    if (v.is_string())
        return v.get_string().empty() ? std::optional<std::int64_t>(0) : parse_int(v.get_string());
    return std::nullopt;
}

std::optional<bool> weak_bool(const json::value& v)
{
    if (v.is_bool())
        return v.get_bool();
    if (v.is_string())
    {
        std::string_view s = v.get_string();
        if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True")
            return true;
        if (s.empty() || s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False")
            return false;
        return std::nullopt;
    }
    if (auto i = weak_int(v))
        return *i != 0;
    return std::nullopt;
}

std::optional<std::int64_t> parse_seconds(const json::value& v)
{
    if (v.is_null())
        return 0;
    if (!v.is_string())
        return weak_int(v);
    std::string_view s = v.get_string();
    if (s.empty())
        return 0;
    if (auto i = parse_int(s))
        return i;
    // Go duration units; fractional parts are not needed by any caller here.
    std::int64_t total = 0;
    while (!s.empty())
    {
        std::size_t digits = 0;
        while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9')
            ++digits;
        auto num = parse_int(s.substr(0, digits));
        if (!num)
            return std::nullopt;
        s.remove_prefix(digits);
        std::size_t ulen = 0;
        while (ulen < s.size() && !(s[ulen] >= '0' && s[ulen] <= '9'))
            ++ulen;
        std::string_view unit = s.substr(0, ulen);
        s.remove_prefix(ulen);
        if (unit == "s")
            total += *num;
        else if (unit == "m")
            total += *num * 60;
        else if (unit == "h")
            total += *num * 3600;
        else if (unit == "d")
            total += *num * 86400;
        else if (unit == "ms")
            total += *num / 1000;
        else
            return std::nullopt;
    }
    return total;
}

std::optional<std::vector<std::string>> weak_strings(const json::value& v)
{
    std::vector<std::string> out;
    if (v.is_null())
        return out;
    if (v.is_string())
    {
        std::string_view s = v.get_string();
        while (!s.empty())
        {
            auto comma = s.find(',');
            std::string_view item = s.substr(0, comma);
            while (!item.empty() && item.front() == ' ')
                item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ')
                item.remove_suffix(1);
            if (!item.empty())
                out.emplace_back(item);
            if (comma == std::string_view::npos)
                break;
            s.remove_prefix(comma + 1);
        }
        return out;
    }
    if (!v.is_array())
        return std::nullopt;
    for (auto& e : v.get_array())
    {
        if (!e.is_string())
            return std::nullopt;
        out.emplace_back(e.get_string());
    }
    return out;
}

const json::object& body_of(const request& req)
{
    static const json::object empty;
    return req.body.is_object() ? req.body.get_object() : empty;
}

json::value field(const request& req, std::string_view key)
{
    if (auto* p = body_of(req).if_contains(key))
        return *p;
    auto it = req.query.find(std::string(key));
    if (it != req.query.end())
        return json::value(it->second);
    return nullptr;
}

}  // namespace vsim
