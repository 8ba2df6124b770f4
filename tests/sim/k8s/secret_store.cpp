// k8s-sim's Secret table (see secret_store.hpp). Wording from k8s.io/apimachinery/pkg/api/errors and
// k8s.io/apiserver/pkg/storage (the precondition failure of a delete).
#include "secret_store.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace ksim {

namespace {

std::string in_quotes(const std::string& s)
{
    return "\"" + s + "\"";
}

std::string cannot_fulfil(const std::string& name, const std::string& why)
{
    return "Operation cannot be fulfilled on secrets " + in_quotes(name) + ": " + why;
}

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

bool valid_config_key(const std::string& key)
{
    if (key.empty() || key.size() > 253)
        return false;
    for (char c : key)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return key != "." && key != ".." && !key.starts_with("..");
}

bool same_content(const secret& a, const secret& b)
{
    return a.type == b.type && a.labels == b.labels && a.annotations == b.annotations && a.data == b.data;
}

}  // namespace

status not_found(const std::string& name)
{
    return {404, "NotFound", "secrets " + in_quotes(name) + " not found", name};
}

status already_exists(const std::string& name)
{
    return {409, "AlreadyExists", "secrets " + in_quotes(name) + " already exists", name};
}

status conflict(const std::string& name)
{
    return {409, "Conflict",
            cannot_fulfil(name,
                          "the object has been modified; please apply your changes to the latest version and "
                          "try again"),
            name};
}

status bad_request(std::string message)
{
    return {400, "BadRequest", std::move(message), ""};
}

status invalid(const std::string& name, const std::string& field_detail)
{
    return {422, "Invalid", "Secret " + in_quotes(name) + " is invalid: " + field_detail, name, "Secret"};
}

bool valid_subdomain(const std::string& name)
{
    if (name.empty() || name.size() > 253)
        return false;
    // Labels of [a-z0-9-] separated by dots, each starting and ending with an alphanumeric character.
    char prev = '.';
    for (char c : name)
    {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '.')
            return false;
        if ((c == '.' && prev == '-') || (c == '-' && prev == '.') || (c == '.' && prev == '.'))
            return false;
        prev = c;
    }
    return name.back() != '-' && name.back() != '.' && name.front() != '-';
}

std::optional<status> validate(const secret& s)
{
    std::vector<std::string> errors;
    if (s.name.empty())
        errors.push_back("metadata.name: Required value: name or generateName is required");
    else if (s.name.size() > 253)
        errors.push_back("metadata.name: Invalid value: " + in_quotes(s.name) +
                         ": must be no more than 253 characters");
    else if (!valid_subdomain(s.name))
        errors.push_back(
            "metadata.name: Invalid value: " + in_quotes(s.name) +
            ": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
            "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
            "used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
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
    std::string joined = errors.size() == 1 ? errors[0] : "[";
    for (std::size_t i = 0; errors.size() > 1 && i < errors.size(); ++i)
        joined += (i ? ", " : "") + errors[i] + (i + 1 == errors.size() ? "]" : "");
    return invalid(s.name, joined);
}

secret_store::secret_store(stamper stamp)
    : stamp_(stamp ? std::move(stamp) : stamper(real_stamp))
{
}

const secret* secret_store::get(const std::string& ns, const std::string& name) const
{
    auto it = secrets_.find({ns, name});
    return it == secrets_.end() ? nullptr : &it->second;
}

std::vector<secret> secret_store::list(const std::string& ns,
                                       const std::function<bool(const secret&)>& filter) const
{
    std::vector<secret> out;
    for (const auto& [key, s] : secrets_)
        if ((ns.empty() || key.first == ns) && (!filter || filter(s)))
            out.push_back(s);
    return out;
}

outcome<secret> secret_store::create(secret s)
{
    if (auto bad = validate(s))
        return *bad;
    if (get(s.ns, s.name))
        return already_exists(s.name);
    std::tie(s.uid, s.creation_timestamp) = stamp_();
    s.resource_version = ++revision_;
    return secrets_[{s.ns, s.name}] = std::move(s);
}

outcome<secret> secret_store::replace(secret s, const std::optional<std::string>& expected_rv)
{
    auto it = secrets_.find({s.ns, s.name});
    if (it == secrets_.end())
        return not_found(s.name);
    secret& current = it->second;
    // GuaranteedUpdate compares the resourceVersion the client sent with the stored one.
    if (expected_rv && *expected_rv != std::to_string(current.resource_version))
        return conflict(s.name);
    if (auto bad = validate(s))
        return *bad;
    if (s.type != current.type)
        return invalid(s.name, "type: Invalid value: " + in_quotes(s.type) + ": field is immutable");
    if (same_content(s, current))
        return current;
    s.uid = current.uid;
    s.creation_timestamp = current.creation_timestamp;
    s.resource_version = ++revision_;
    return current = std::move(s);
}

outcome<secret> secret_store::remove(const std::string& ns, const std::string& name,
                                     const std::optional<std::string>& precondition_rv)
{
    auto it = secrets_.find({ns, name});
    if (it == secrets_.end())
        return not_found(name);
    const auto current_rv = std::to_string(it->second.resource_version);
    if (precondition_rv && *precondition_rv != current_rv)
        return status{409, "Conflict",
                      cannot_fulfil(name, "StorageError: invalid object, Code: 4, Key: /registry/secrets/" +
                                              ns + "/" + name +
                                              ", ResourceVersion: 0, AdditionalErrorMsg: Precondition "
                                              "failed: ResourceVersion in precondition: " +
                                              *precondition_rv +
                                              ", ResourceVersion in object meta: " + current_rv),
                      name};
    secret gone = std::move(it->second);
    secrets_.erase(it);
    // etcd gives the delete a revision of its own.
    ++revision_;
    return gone;
}

void secret_store::restore(std::uint64_t revision, std::vector<secret> secrets)
{
    secrets_.clear();
    revision_ = revision;
    for (auto& s : secrets)
    {
        revision_ = std::max(revision_, s.resource_version);
        auto key = std::make_pair(s.ns, s.name);
        secrets_[key] = std::move(s);
    }
}

}  // namespace ksim
