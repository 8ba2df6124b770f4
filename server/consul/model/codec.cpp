// Consul wire helpers: base64, URL encoding, JSON decoding of KV and session answers, error mapping.
#include "consul/model/codec.hpp"

#include "core/json_field.hpp"
#include "core/upstream_status.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <charconv>

namespace vk::consul {
namespace json = boost::json;

namespace {

bool unreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

std::string percent_encode(std::string_view s, bool keep_slash)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char c : s)
    {
        if (unreserved(c) || (keep_slash && c == '/'))
            out += c;
        else
        {
            auto u = static_cast<unsigned char>(c);
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

error malformed(std::string_view what)
{
    return make_error(errc::bad_response, "unexpected Consul answer: " + std::string(what));
}

// Parses JSON text; nullopt when it is not JSON at all.
std::optional<json::value> parse(std::string_view body)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec)
        return std::nullopt;
    return v;
}

}  // namespace

std::string encode_key(std::string_view key)
{
    return percent_encode(key, true);
}
std::string encode_query_value(std::string_view v)
{
    return percent_encode(v, false);
}

std::string go_millis(std::chrono::milliseconds d)
{
    return std::to_string(d.count()) + "ms";
}

result<std::uint64_t> decode_u64(const json::object& o, std::string_view key)
{
    const auto* v = o.if_contains(key);
    if (!v)
        return std::uint64_t{0};
    if (v->is_uint64())
        return v->as_uint64();
    if (v->is_int64() && v->as_int64() >= 0)
        return static_cast<std::uint64_t>(v->as_int64());
    return malformed(std::string(key) + " is not a non-negative 64-bit integer");
}

namespace {

// The entry's integer fields, or the first that is malformed.
result<kv_entry> decode_entry(const json::object& o)
{
    kv_entry e{string_field(o, "Key"), {}, 0, string_field(o, "Session"), 0, 0, 0};
    for (auto [key, field] :
         {std::pair{"Flags", &e.flags}, std::pair{"LockIndex", &e.lock_index},
          std::pair{"CreateIndex", &e.create_index}, std::pair{"ModifyIndex", &e.modify_index}})
    {
        auto n = decode_u64(o, key);
        if (!n)
            return n.error();
        *field = *n;
    }
    return e;
}

}  // namespace

result<std::vector<kv_entry>> decode_entries(std::string_view body)
{
    auto v = parse(body);
    if (!v || !v->is_array())
        return malformed("KV entries are not a JSON array");
    std::vector<kv_entry> out;
    for (const auto& item : v->as_array())
    {
        if (!item.is_object())
            return malformed("KV entry is not an object");
        const auto& o = item.as_object();
        auto decoded = decode_entry(o);
        if (!decoded)
            return decoded.error();
        kv_entry e = std::move(*decoded);
        if (const auto* val = o.if_contains("Value"); val && val->is_string())
        {
            auto bytes = base64_decode(val->as_string());
            if (!bytes)
                return malformed("KV value of \"" + e.key + "\" is not base64");
            e.value = std::move(*bytes);
        }
        out.push_back(std::move(e));
    }
    return out;
}

result<std::vector<std::string>> decode_keys(std::string_view body)
{
    auto v = parse(body);
    if (!v || !v->is_array())
        return malformed("key list is not a JSON array");
    std::vector<std::string> out;
    for (const auto& k : v->as_array())
    {
        if (!k.is_string())
            return malformed("key list holds a non-string");
        out.emplace_back(k.as_string());
    }
    return out;
}

result<bool> decode_bool(std::string_view body)
{
    auto v = parse(body);
    if (!v || !v->is_bool())
        return malformed("expected true or false");
    return v->as_bool();
}

result<std::string> decode_session_id(std::string_view body)
{
    auto v = parse(body);
    if (!v || !v->is_object() || string_field(v->as_object(), "ID").empty())
        return malformed("session create answer has no ID");
    return string_field(v->as_object(), "ID");
}

result<std::vector<session_info>> decode_sessions(std::string_view body)
{
    auto v = parse(body);
    // Consul answers `null` for "no sessions" on some versions, [] on others.
    if (v && v->is_null())
        return std::vector<session_info>{};
    if (!v || !v->is_array())
        return malformed("sessions are not a JSON array");
    std::vector<session_info> out;
    for (const auto& item : v->as_array())
    {
        if (!item.is_object())
            return malformed("session is not an object");
        const auto& o = item.as_object();
        // LockDelay is in nanoseconds on the wire.
        auto lock_delay = decode_u64(o, "LockDelay");
        if (!lock_delay)
            return lock_delay.error();
        auto delay = std::chrono::milliseconds(*lock_delay / 1000000);
        out.push_back({string_field(o, "ID"), string_field(o, "Name"), string_field(o, "Node"),
                       string_field(o, "Behavior"), string_field(o, "TTL"), delay});
    }
    return out;
}

std::optional<std::uint64_t> parse_index(std::optional<std::string_view> header)
{
    if (!header || header->empty())
        return std::nullopt;
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(header->data(), header->data() + header->size(), n);
    if (ec != std::errc() || p != header->data() + header->size())
        return std::nullopt;
    return n;
}

std::uint64_t next_blocking_index(std::uint64_t previous, std::uint64_t returned) noexcept
{
    if (returned < previous)
        return 0;
    return returned < 1 ? 1 : returned;
}

error map_error(unsigned status, std::string_view body, std::string path)
{
    // First line only, trimmed and bounded: Consul bodies are short plain text, never secrets we sent.
    auto end = body.find_first_of("\r\n");
    std::string_view line = body.substr(0, end);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    if (line.size() > 200)
        line = line.substr(0, 200);
    const errc code = upstream_errc(status);  // Consul has no exceptions to the common map
    std::string msg = "Consul answered " + std::to_string(status);
    if (!line.empty())
        msg += ": " + std::string(line);
    error e = make_error(code, std::move(msg), {}, std::move(path));
    e.status = status;
    return e;
}

}  // namespace vk::consul
