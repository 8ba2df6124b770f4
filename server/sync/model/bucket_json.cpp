// Go-compatible bucket JSON encoding and a strict, well-reported decoding (see bucket_json.hpp).
#include "sync/model/bucket_json.hpp"

#include "sync/model/go_format.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <optional>

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

namespace {

// Reads the bytes Go's json.Marshal (and append_bucket_json) writes for a bucket without building a DOM:
// `{"path":{"version":N,"updateTime":"t","type":"x"},...}` with no whitespace, no escape and ASCII text only.
// Anything else (another writer's spacing or field order, an escaped or non-ASCII character, a number JSON or
// int64 refuses, text over max_insight_text) makes read() false, and the general decoder reads the value with
// its tolerance and its errors. At a million secrets the DOM was most of a destination's read of the origin.
class canonical_reader
{
public:
    explicit canonical_reader(std::string_view s)
        : s_(s)
    {
    }

    // Calls sink(path, insight_view) per entry; true when the whole value was canonical (and read).
    template <class Sink> bool read(Sink&& sink)
    {
        if (!literal("{"))
            return false;
        if (literal("}"))
            return at_end();
        do
        {
            std::string_view path, time, type;
            std::int64_t version = 0;
            if (!string(path) || !literal(before_version) || !integer(version) || !literal(before_time) ||
                !string(time) || !literal(before_type) || !string(type) || !literal("}"))
                return false;
            if (time.size() > max_insight_text || type.size() > max_insight_text)
                return false;
            sink(path, insight_view{version, time, type});
        } while (literal(","));
        return literal("}") && at_end();
    }

private:
    bool at_end() const { return i_ == s_.size(); }

    bool literal(std::string_view l)
    {
        if (s_.compare(i_, l.size(), l) != 0)
            return false;
        i_ += l.size();
        return true;
    }

    bool string(std::string_view& out)
    {
        if (!literal("\""))
            return false;
        const std::size_t begin = i_;
        for (; i_ < s_.size(); ++i_)
        {
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"')
            {
                out = s_.substr(begin, i_ - begin);
                ++i_;
                return true;
            }
            if (c == '\\' || c < 0x20 || c >= 0x80)
                return false;
        }
        return false;
    }

    // JSON's integer grammar (no leading zero, no fraction or exponent) within int64.
    bool integer(std::int64_t& v)
    {
        const char* first = s_.data() + i_;
        const char* last = s_.data() + s_.size();
        const char* digits = first != last && *first == '-' ? first + 1 : first;
        if (digits == last || *digits < '0' || *digits > '9' ||
            (*digits == '0' && digits + 1 != last && digits[1] >= '0' && digits[1] <= '9'))
            return false;
        const auto r = std::from_chars(first, last, v);
        if (r.ec != std::errc{} || (r.ptr != last && (*r.ptr == '.' || *r.ptr == 'e' || *r.ptr == 'E')))
            return false;
        i_ += static_cast<std::size_t>(r.ptr - first);
        return true;
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

// The canonical form read twice: once to size the bucket exactly, once to fill it. nullopt when not
// canonical.
std::optional<bucket> decode_canonical(std::string_view json)
{
    std::size_t entries = 0;
    std::size_t text = 0;
    const bool canonical = canonical_reader(json).read([&](std::string_view path, insight_view in) {
        ++entries;
        text += path.size() + in.update_time.size() + in.type.size();
    });
    if (!canonical)
        return std::nullopt;
    bucket out;
    out.reserve(entries, text);
    canonical_reader(json).read([&](std::string_view path, insight_view in) { out.push_back(path, in); });
    return out;
}

}  // namespace

result<bucket> decode_bucket(std::string_view json, std::string_view key)
{
    if (auto fast = decode_canonical(json))
        return std::move(*fast);
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
