// Go-compatible bucket JSON encoding and a strict, well-reported decoding (see bucket_json.hpp).
#include "sync/model/bucket_json.hpp"

#include "sync/model/go_format.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

namespace vk::sync {
namespace {

bool iequals_ascii(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// Go's decoder prefers the exact field name, then falls back to a case-insensitive match.
const boost::json::value* find_field(const boost::json::object& o, std::string_view name)
{
    if (auto it = o.find(name); it != o.end())
        return &it->value();
    for (const auto& kv : o)
        if (iequals_ascii(kv.key(), name))
            return &kv.value();
    return nullptr;
}

error entry_error(std::string_view key, std::string_view where, std::string_view what)
{
    return make_error(errc::bad_response, "bucket entry " + std::string(where) + ": " + std::string(what), {},
                      std::string(key));
}

}  // namespace

// An entry is `"path":{"version":N,"updateTime":"t","type":"kvV2"}`: these are the bytes between its strings.
constexpr std::string_view before_version = ":{\"version\":";
constexpr std::string_view before_time = ",\"updateTime\":";
constexpr std::string_view before_type = ",\"type\":";

void append_bucket_json(std::string& out, const bucket& b)
{
    out += '{';
    bool first = true;
    char num[24];
    for (const auto& [path, in] : b)
    {
        if (!first)
            out += ',';
        first = false;
        append_go_json_string(out, path);
        out += before_version;
        const auto r = std::to_chars(num, num + sizeof num, in.version);
        out.append(num, r.ptr);
        out += before_time;
        append_go_json_string(out, in.update_time);
        out += before_type;
        append_go_json_string(out, in.type);
        out += '}';
    }
    out += '}';
}

std::string encode_bucket(const bucket& b)
{
    std::string out;
    out.reserve(2 + b.size() * 100);
    append_bucket_json(out, b);
    return out;
}

std::size_t entry_json_size(std::string_view path, insight_view in)
{
    char num[24];
    const auto r = std::to_chars(num, num + sizeof num, in.version);
    return go_json_string_size(path) + before_version.size() + static_cast<std::size_t>(r.ptr - num) +
           before_time.size() + go_json_string_size(in.update_time) + before_type.size() +
           go_json_string_size(in.type) + 1;
}

// Counted, not encoded: every reindex needs each changed bucket's size, and encoding a million entries only
// to measure them was a tenth of a destination cycle's CPU.
std::size_t bucket_json_size(const bucket& b)
{
    std::size_t n = 2;  // the braces
    bool first = true;
    for (const auto& [path, in] : b)
    {
        n += (first ? 0 : 1) + entry_json_size(path, in);  // and the comma
        first = false;
    }
    return n;
}

result<insight> insight_from_json(const boost::json::value& v, std::string_view key, std::string_view where)
{
    insight in;
    if (v.is_null())
        return in;
    const auto* o = v.if_object();
    if (!o)
        return entry_error(key, where, "not a JSON object");
    if (const auto* f = find_field(*o, "version"); f && !f->is_null())
    {
        if (f->is_int64())
            in.version = f->get_int64();
        else
            return entry_error(key, where, "version is not an int64 integer");
    }
    if (const auto* f = find_field(*o, "updateTime"); f && !f->is_null())
    {
        if (!f->is_string())
            return entry_error(key, where, "updateTime is not a string");
        if (f->get_string().size() > max_insight_text)
            return entry_error(key, where, "updateTime is longer than 65535 bytes");
        in.update_time = f->get_string();
    }
    if (const auto* f = find_field(*o, "type"); f && !f->is_null())
    {
        if (!f->is_string())
            return entry_error(key, where, "type is not a string");
        if (f->get_string().size() > max_insight_text)
            return entry_error(key, where, "type is longer than 65535 bytes");
        in.type = f->get_string();
    }
    return in;
}

result<bucket> decode_bucket(std::string_view json, std::string_view key)
{
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(json, ec);
    if (ec)
        return make_error(errc::bad_response, "bucket is not valid JSON: " + ec.message(), {},
                          std::string(key));
    bucket out;
    if (v.is_null())
        return out;
    const auto* o = v.if_object();
    if (!o)
        return make_error(errc::bad_response, "bucket is not a JSON object", {}, std::string(key));
    // Exactly the room the entries need (a million secrets are read this way: no growth by doubling).
    std::size_t text = 0;
    for (const auto& kv : *o)
    {
        text += kv.key().size();
        if (const auto* e = kv.value().if_object())
            for (const auto& f : *e)
                if (f.value().is_string())
                    text += f.value().get_string().size();
    }
    out.reserve(o->size(), text);
    for (const auto& kv : *o)
    {
        auto in = insight_from_json(kv.value(), key, kv.key());
        if (!in)
            return in.error();
        // O(1) when keys arrive sorted, as Go writes them; a repeated key keeps its last value, as in Go.
        out.push_back(kv.key(), *in);
    }
    return out;
}

}  // namespace vk::sync
