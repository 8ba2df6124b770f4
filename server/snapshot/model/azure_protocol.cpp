#include "snapshot/model/azure_protocol.hpp"

#include "cloud/model/signing_crypto.hpp"
#include "cloud/model/xml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>

namespace vk::snapshot::azure {

namespace crypto = cloud::crypto;
namespace xml = cloud::xml;

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string trim(std::string_view v)
{
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    return std::string(v);
}

std::string header(const request& r, std::string_view name)
{
    for (const auto& [k, v] : r.headers)
        if (lower(k) == name)
            return trim(v);
    return {};
}

std::string canonicalized_headers(const request& r)
{
    std::map<std::string, std::string> ms;
    for (const auto& [k, v] : r.headers)
    {
        auto name = lower(k);
        if (!name.starts_with("x-ms-"))
            continue;
        auto& slot = ms[name];
        slot += (slot.empty() ? "" : ",") + trim(v);
    }
    std::string out;
    for (const auto& [k, v] : ms)
        out += k + ":" + v + "\n";
    return out;
}

std::string canonicalized_resource(const request& r, std::string_view account)
{
    std::map<std::string, std::vector<std::string>> params;
    for (const auto& [k, v] : r.query)
        params[lower(k)].push_back(v);
    std::string out = "/" + std::string(account) + r.path;
    for (auto& [k, values] : params)
    {
        std::sort(values.begin(), values.end());
        out += "\n" + k + ":";
        for (std::size_t i = 0; i < values.size(); ++i)
            out += (i ? "," : "") + values[i];
    }
    return out;
}

constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

}  // namespace

std::string string_to_sign(const request& r, std::string_view account)
{
    std::string out = r.method + "\n";
    for (std::string_view h : {"content-encoding", "content-language"})
        out += header(r, h) + "\n";
    out += (r.content_length ? std::to_string(r.content_length) : std::string()) + "\n";
    for (std::string_view h : {"content-md5", "content-type", "date", "if-modified-since", "if-match",
                               "if-none-match", "if-unmodified-since", "range"})
        out += header(r, h) + "\n";
    return out + canonicalized_headers(r) + canonicalized_resource(r, account);
}

result<std::string> authorization(const request& r, std::string_view account, std::string_view key_base64)
{
    auto key = crypto::base64_decode(key_base64);
    if (!key || key->empty())
        return make_error(errc::invalid_argument, "the Azure account key is not base64");
    auto mac = crypto::hmac_sha256(*key, string_to_sign(r, account));
    return "SharedKey " + std::string(account) + ":" + crypto::base64_encode(mac);
}

std::string rfc1123(std::chrono::system_clock::time_point t)
{
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", weekdays[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc1123(std::string_view s)
{
    char wday[4] = {}, mon[4] = {};
    std::tm tm{};
    std::string text(s);
    if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d GMT", wday, &tm.tm_mday, mon, &tm.tm_year,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
        return std::nullopt;
    auto m = std::find_if(std::begin(months), std::end(months),
                          [&](const char* x) { return std::string_view(x) == mon; });
    if (m == std::end(months))
        return std::nullopt;
    tm.tm_mon = static_cast<int>(m - std::begin(months));
    tm.tm_year -= 1900;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string block_id(std::uint64_t n)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "block-%010llu", static_cast<unsigned long long>(n));
    return crypto::base64_encode(buf);
}

std::string block_list_body(std::uint64_t count)
{
    std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
    for (std::uint64_t i = 0; i < count; ++i)
        out += "<Latest>" + block_id(i) + "</Latest>";
    return out + "</BlockList>";
}

result<list_page> parse_list_blobs(std::string_view body)
{
    auto doc = xml::parse(body, "EnumerationResults");
    if (!doc)
        return doc.error();
    list_page page;
    for (const auto& b : doc->children("Blobs.Blob"))
    {
        listed_blob blob;
        blob.name = b.text("Name");
        auto size = b.number("Properties.Content-Length");
        auto time = parse_rfc1123(b.text("Properties.Last-Modified"));
        if (blob.name.empty() || !size || !time)
            return make_error(errc::bad_response,
                              "List Blobs: a blob without Name, Content-Length or Last-Modified");
        blob.size = *size;
        blob.last_modified = *time;
        if (auto sha = b.text("Metadata.sha256"); !sha.empty())
            blob.sha256 = std::move(sha);
        page.blobs.push_back(std::move(blob));
    }
    if (auto marker = doc->text("NextMarker"); !marker.empty())
        page.next_marker = std::move(marker);
    return page;
}

}  // namespace vk::snapshot::azure
