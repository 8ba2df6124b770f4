// Seeded KV v2 estates and data digests (benchmarks): see kv_v2_bulk.hpp.
#include "kv_v2_bulk.hpp"

#include "kv_v2_record.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace vsim::kv2 {

namespace {

// splitmix64: a fast, well-mixed stream from any 64-bit state.
struct mixer
{
    std::uint64_t state;

    std::uint64_t next()
    {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // An index below n, skewed toward 0 (a few teams and apps hold most secrets, as in real estates).
    std::size_t skewed(std::size_t n)
    {
        const double u = unit();
        return std::min(n - 1, static_cast<std::size_t>(static_cast<double>(n) * u * u));
    }
};

// Folder names per level below the prefix; none is 8 hex digits, so folders never collide with leaves.
constexpr std::string_view teams[] = {"payments", "billing", "identity", "search",   "checkout", "platform",
                                      "data",     "ml",      "mobile",   "web",      "infra",    "security",
                                      "growth",   "ads",     "support",  "logistics"};
constexpr std::string_view apps[] = {"api",    "worker", "gateway",  "frontend", "scheduler", "ingest",
                                     "report", "auth",   "notifier", "cache",    "ledger",    "exporter"};
constexpr std::string_view envs[] = {"prod", "staging", "dev", "qa", "sandbox"};
constexpr std::string_view components[] = {"db",    "redis", "kafka", "s3",     "smtp",
                                           "oauth", "tls",   "ldap",  "stripe", "github"};
constexpr std::string_view field_names[] = {"username",      "password",    "api_key", "host",
                                            "port",          "url",         "token",   "client_id",
                                            "client_secret", "certificate", "region",  "note"};

// Depth 2..6 (segments below the prefix, leaf included), mostly 3 or 4.
int depth_of(mixer& m)
{
    constexpr std::array<int, 5> weights = {10, 25, 30, 20, 15};  // percent for depths 2..6
    int r = static_cast<int>(m.next() % 100);
    for (int d = 0; d < 5; ++d)
    {
        if (r < weights[d])
            return d + 2;
        r -= weights[d];
    }
    return 6;
}

template <std::size_t N> void append_word(std::string& out, mixer& m, const std::string_view (&words)[N])
{
    out += words[m.skewed(N)];
    out += '/';
}

// A bijection on 32 bits (xor, odd multiply, xorshift): distinct i give distinct leaves for a given seed.
std::uint32_t scramble(std::uint32_t x, std::uint64_t seed)
{
    x ^= static_cast<std::uint32_t>(seed * 0x9e3779b97f4a7c15ULL >> 32);
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

void append_hex(std::string& out, std::uint32_t x)
{
    constexpr char digits[] = "0123456789abcdef";
    for (int shift = 28; shift >= 0; shift -= 4)
        out += digits[(x >> shift) & 0xf];
}

void append_random_text(std::string& out, mixer& m, std::size_t n)
{
    constexpr char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::uint64_t bits = 0;
    int left = 0;
    for (std::size_t k = 0; k < n; ++k)
    {
        if (left == 0)
        {
            bits = m.next();
            left = 10;
        }
        out += chars[bits & 63];
        bits >>= 6;
        --left;
    }
}

// {"f1":"...","f2":"..."} of exactly `size` bytes: 1..4 distinct fields, the text split between them.
std::string data_of(mixer& m, std::size_t size)
{
    constexpr std::size_t n_fields = std::size(field_names);
    std::size_t fields = 1 + m.next() % 4;
    const std::size_t first = m.next() % n_fields;
    auto fixed_size = [&](std::size_t k) {
        std::size_t s = 2 + (k - 1);  // braces and commas
        for (std::size_t f = 0; f < k; ++f)
            s += field_names[(first + f) % n_fields].size() + 5;  // "name":"" around each value
        return s;
    };
    while (fields > 1 && fixed_size(fields) + fields > size)
        --fields;
    std::size_t text = size - fixed_size(fields);
    std::string out;
    out.reserve(size);
    out += '{';
    for (std::size_t f = 0; f < fields; ++f)
    {
        if (f)
            out += ',';
        out += '"';
        out += field_names[(first + f) % n_fields];
        out += "\":\"";
        append_random_text(out, m, f + 1 < fields ? text / fields : text - (fields - 1) * (text / fields));
        out += '"';
    }
    out += '}';
    return out;
}

// Object keys sorted at every level: two sims holding equal data serialise it identically.
void append_canonical(std::string& out, const json::value& v)
{
    if (!v.is_object())
    {
        if (v.is_array())
        {
            out += '[';
            bool first = true;
            for (auto& e : v.get_array())
            {
                if (!std::exchange(first, false))
                    out += ',';
                append_canonical(out, e);
            }
            out += ']';
            return;
        }
        out += json::serialize(v);
        return;
    }
    std::vector<const json::key_value_pair*> fields;
    for (auto& kv : v.get_object())
        fields.push_back(&kv);
    std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t k = 0; k < fields.size(); ++k)
    {
        if (k)
            out += ',';
        out += json::serialize(json::string(fields[k]->key()));
        out += ':';
        append_canonical(out, fields[k]->value());
    }
    out += '}';
}

}  // namespace

seeded_secret seeded(std::uint64_t seed, std::uint32_t i, std::string_view prefix, std::int64_t now_ns)
{
    mixer m{seed * 0x100000001b3ULL ^ (static_cast<std::uint64_t>(i) << 1)};
    m.next();
    seeded_secret s;
    s.path.reserve(prefix.size() + 64);
    s.path += prefix;
    if (!prefix.empty() && prefix.back() != '/')
        s.path += '/';
    const int depth = depth_of(m);
    if (depth >= 2)
        append_word(s.path, m, teams);
    if (depth >= 3)
        append_word(s.path, m, apps);
    if (depth >= 4)
        append_word(s.path, m, envs);
    if (depth >= 5)
        append_word(s.path, m, components);
    if (depth >= 6)
    {
        s.path += "shard-";
        s.path += std::to_string(m.skewed(8));
        s.path += '/';
    }
    append_hex(s.path, scramble(i, seed));
    const double u = m.unit();
    s.data_json = data_of(m, 50 + static_cast<std::size_t>(1950.0 * u * u * u));
    constexpr std::int64_t year_ns = 365LL * 24 * 3600 * 1000000000LL;
    s.written_ns = now_ns - static_cast<std::int64_t>(m.next() % year_ns);
    return s;
}

digest_result digest(const storage& st, const std::string& key_prefix, std::int64_t now_ns)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    digest_result out;
    std::string line;
    const auto& entries = st.entries();
    for (auto it = entries.lower_bound(key_prefix); it != entries.end() && it->first.starts_with(key_prefix);
         ++it)
    {
        auto r = load(st, it->first);
        if (!r)
            continue;
        auto v = r->versions.find(r->current_version);
        if (v == r->versions.end() || v->second.destroyed || v->second.deleted_at(now_ns))
            continue;
        line.assign(it->first, key_prefix.size());
        line += '\0';
        append_canonical(line, v->second.data);
        line += '\n';
        EVP_DigestUpdate(ctx.get(), line.data(), line.size());
        ++out.secrets;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx.get(), md.data(), &len);
    constexpr char digits[] = "0123456789abcdef";
    for (unsigned k = 0; k < len; ++k)
    {
        out.sha256 += digits[md[k] >> 4];
        out.sha256 += digits[md[k] & 0xf];
    }
    return out;
}

}  // namespace vsim::kv2
