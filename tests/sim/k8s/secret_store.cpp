// k8s-sim's core/v1 Secret (see secret_store.hpp), and the stamp every created object gets.
#include "secret_store.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace ksim {

// A random v4 UUID and the current time, as the API server stamps a created object.
std::pair<std::string, std::string> real_stamp()
{
    static std::mt19937_64 rng{std::random_device{}()};
    char uid[40];
    const auto a = rng(), b = rng();
    std::snprintf(uid, sizeof uid, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                  (static_cast<unsigned>(b >> 48) & 0x3fff) | 0x8000,
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char ts[32];
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return {uid, ts};
}

namespace {

bool valid_config_key(const std::string& key)
{
    if (key.empty() || key.size() > 253)
        return false;
    for (char c : key)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return key != "." && key != ".." && !key.starts_with("..");
}

}  // namespace

const resource_kind& resource_of(const secret*)
{
    return secrets_resource();
}

bool same_content(const secret& a, const secret& b)
{
    return a.type == b.type && a.labels == b.labels && a.annotations == b.annotations && a.data == b.data;
}

std::optional<status> validate_update(const secret& next, const secret& current)
{
    if (next.type != current.type)
        return invalid(next.name, "type: Invalid value: " + in_quotes(next.type) + ": field is immutable");
    return std::nullopt;
}

std::optional<status> validate(const secret& s)
{
    auto errors = name_errors(s.name);
    std::size_t total = 0;
    for (const auto& [key, value] : s.data)
    {
        total += value.size();
        if (!valid_config_key(key))
            errors.push_back(
                "data[" + key + "]: Invalid value: " + in_quotes(key) +
                ": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
                "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                "'[-._a-zA-Z0-9]+')");
    }
    if (total > 1024 * 1024)
        errors.push_back("data: Too long: must have at most 1048576 bytes");
    if (errors.empty())
        return std::nullopt;
    return invalid(s.name, errors, secrets_resource());
}

}  // namespace ksim
