// Vault's JSON wire shapes shared by every logical handler: envelopes, errors, timestamps, weak decoding.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_VAULT_JSON_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_VAULT_JSON_HPP

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logical.hpp"

namespace vsim {

namespace json = boost::json;

// The three 403 wordings Vault uses (reference A.1): no token, policy denial, unknown/expired token.
inline constexpr std::string_view denied_no_token = "permission denied";
inline constexpr std::string_view denied_policy = "1 error occurred:\n\t* permission denied\n\n";
inline constexpr std::string_view denied_bad_token =
    "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

// Success envelope of sdk/logical/translate_response.go; data may be null.
json::object envelope(json::value data, std::string_view mount_type);
response ok(json::value data, std::string_view mount_type);
// Same, with every key of data also copied to the top level (Vault's HTTPSysInjector routes).
response ok_sys(json::object data);
response error(unsigned status, std::vector<std::string> messages = {});
response no_content();
// 404 {"errors":[]}: Vault's answer for a missing item or an empty list.
inline response not_found()
{
    return error(404);
}
// Keys listing: 404 when empty, as Vault does.
response list_response(std::vector<std::string> keys, std::string_view mount_type);

std::string new_uuid();
// Random [A-Za-z0-9] string, n characters (token ids, role ids).
std::string random_alnum(std::size_t n);
std::string sha256_hex(std::string_view in);

std::int64_t unix_nanos(clock::time_point t);
// Go's time.RFC3339Nano in UTC: trailing zeros of the fraction trimmed, "Z" suffix.
std::string rfc3339_nano(std::int64_t unix_ns);
// Go's time.Duration.String() for whole seconds: "0s", "30s", "1h0m0s".
std::string go_duration(std::int64_t seconds);

// Weak decoding like mapstructure's WeaklyTypedInput: numbers, numeric strings, bools.
std::optional<std::int64_t> weak_int(const json::value& v);
std::optional<bool> weak_bool(const json::value& v);
// Vault's parseutil.ParseDurationSecond: integer seconds, or "90", "90s", "5m", "1h30m", "768h".
std::optional<std::int64_t> parse_seconds(const json::value& v);
// Weak list of strings: an array, or a comma-separated string.
std::optional<std::vector<std::string>> weak_strings(const json::value& v);

json::array to_array(const std::vector<std::string>& v);
// The object with its keys in byte order, as Go's encoding/json writes a map.
json::object sorted_keys(const json::object& o);
// Typed reads of a stored JSON object: the value at k, or 0 / "" when absent or of another type.
std::int64_t int_at(const json::object& o, std::string_view k);
std::string string_at(const json::object& o, std::string_view k);
// The JSON object stored at key; nullopt when absent or not an object.
std::optional<json::object> stored_object(const storage& st, std::string_view key);
// The rest of path after head ("roles/" in "roles/web" gives "web"); nullopt unless something follows head.
std::optional<std::string_view> path_below(std::string_view path, std::string_view head);

// The request body as an object; an empty object when absent or not an object.
const json::object& body_of(const request& req);
// body[key], else query[key] as a string (GET/DELETE parameters), else null.
json::value field(const request& req, std::string_view key);

}  // namespace vsim

#endif
