#include "cloud/model/sigv4.hpp"

#include "cloud/model/signing_crypto.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace vk::cloud::sigv4 {

namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Leading and trailing spaces trimmed, inner runs of spaces collapsed to one (as the spec's Trimall).
std::string trimall(std::string_view v)
{
    std::string out;
    bool space = false;
    for (char c : v)
    {
        if (c == ' ' || c == '\t')
        {
            space = !out.empty();
            continue;
        }
        if (space)
            out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

struct canonical_headers
{
    std::string block;  // "name:value\n" lines
    std::string names;  // "a;b;c"
};

// Sorted by lower-case name; repeated names join their values with ',' in arrival order.
canonical_headers canonicalize(const fields& headers)
{
    fields sorted;
    for (const auto& [k, v] : headers)
        sorted.emplace_back(lower(k), trimall(v));
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    canonical_headers out;
    for (std::size_t i = 0; i < sorted.size(); ++i)
    {
        bool repeat = i > 0 && sorted[i].first == sorted[i - 1].first;
        if (repeat)
        {
            out.block.back() = ',';
            out.block += sorted[i].second + "\n";
            continue;
        }
        out.block += sorted[i].first + ":" + sorted[i].second + "\n";
        out.names += (out.names.empty() ? "" : ";") + sorted[i].first;
    }
    return out;
}

std::string credential_scope(const scope& s, std::string_view amz_date)
{
    return std::string(amz_date.substr(0, 8)) + "/" + s.region + "/" + s.service + "/aws4_request";
}

std::string signing_key(const credentials& c, const scope& s, std::string_view amz_date)
{
    auto k = crypto::hmac_sha256("AWS4" + c.secret_access_key, amz_date.substr(0, 8));
    k = crypto::hmac_sha256(k, s.region);
    k = crypto::hmac_sha256(k, s.service);
    return crypto::hmac_sha256(k, "aws4_request");
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s)
    {
        bool unreserved = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved || (keep_slash && c == '/'))
        {
            out.push_back(static_cast<char>(c));
            continue;
        }
        out.push_back('%');
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string canonical_query(const fields& query)
{
    fields encoded;
    for (const auto& [k, v] : query)
        encoded.emplace_back(uri_encode(k, false), uri_encode(v, false));
    std::sort(encoded.begin(), encoded.end());
    std::string out;
    for (const auto& [k, v] : encoded)
        out += (out.empty() ? "" : "&") + k + "=" + v;
    return out;
}

std::string target(const request& r)
{
    auto q = canonical_query(r.query);
    return uri_encode(r.path, true) + (q.empty() ? "" : "?" + q);
}

std::string amz_date(std::chrono::system_clock::time_point t)
{
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[20];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

signature compute(const request& r, const credentials& c, const scope& s, std::string_view amz_date)
{
    auto h = canonicalize(r.headers);
    signature sig;
    sig.signed_headers = h.names;
    sig.canonical_request = r.method + "\n" + uri_encode(r.path, true) + "\n" + canonical_query(r.query) +
                            "\n" + h.block + "\n" + h.names + "\n" + r.payload_hash;
    sig.string_to_sign = std::string(algorithm) + "\n" + std::string(amz_date) + "\n" +
                         credential_scope(s, amz_date) + "\n" + crypto::sha256_hex(sig.canonical_request);
    sig.hex = crypto::to_hex(crypto::hmac_sha256(signing_key(c, s, amz_date), sig.string_to_sign));
    return sig;
}

std::string authorization(const signature& sig, const credentials& c, const scope& s,
                          std::string_view amz_date)
{
    return std::string(algorithm) + " Credential=" + c.access_key_id + "/" + credential_scope(s, amz_date) +
           ", SignedHeaders=" + sig.signed_headers + ", Signature=" + sig.hex;
}

void sign_headers(request& r, const credentials& c, const scope& s, std::string_view amz_date)
{
    r.headers.emplace_back("x-amz-date", amz_date);
    r.headers.emplace_back("x-amz-content-sha256", r.payload_hash);
    if (!c.session_token.empty())
        r.headers.emplace_back("x-amz-security-token", c.session_token);
    auto sig = compute(r, c, s, amz_date);
    r.headers.emplace_back("Authorization", authorization(sig, c, s, amz_date));
}

std::string presign(request r, const credentials& c, const scope& s, std::string_view amz_date,
                    std::chrono::seconds expires)
{
    r.payload_hash = unsigned_payload;
    r.query.emplace_back("X-Amz-Algorithm", algorithm);
    r.query.emplace_back("X-Amz-Credential", c.access_key_id + "/" + credential_scope(s, amz_date));
    r.query.emplace_back("X-Amz-Date", amz_date);
    r.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
    r.query.emplace_back("X-Amz-SignedHeaders", canonicalize(r.headers).names);
    if (!c.session_token.empty())
        r.query.emplace_back("X-Amz-Security-Token", c.session_token);
    auto sig = compute(r, c, s, amz_date);
    return target(r) + "&X-Amz-Signature=" + sig.hex;  // last, as AWS's own presigners place it
}

}  // namespace vk::cloud::sigv4
