// Pure Consul wire helpers: base64, key and query encoding, KV/session JSON decoding, HTTP error mapping and
// the blocking-query index rules. No I/O, so everything here is unit-tested in tests/unit/consul.
#ifndef VAULTKEEPER_SERVER_CONSUL_MODEL_CODEC_HPP
#define VAULTKEEPER_SERVER_CONSUL_MODEL_CODEC_HPP

#include "core/base64.hpp"
#include "core/error.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::consul {

// Consul's default kv_max_value_size (512 KiB): larger values are refused before sending.
inline constexpr std::size_t max_value_size = 512 * 1024;

// One KV entry (structs.DirEntry) with its value already base64-decoded.
struct kv_entry
{
    std::string key;
    std::string value;  // raw bytes; empty for a null Value
    std::uint64_t flags = 0;
    std::string session;  // lock holder session id; empty when unlocked
    std::uint64_t lock_index = 0;
    std::uint64_t create_index = 0;
    std::uint64_t modify_index = 0;
};

// A session as returned by /v1/session/info and /renew.
struct session_info
{
    std::string id;
    std::string name;
    std::string node;
    std::string behavior;  // "release" | "delete"
    std::string ttl;       // Go duration as sent by Consul, e.g. "15s"
    std::chrono::milliseconds lock_delay{0};
};

using vk::base64_decode;
using vk::base64_encode;

// Percent-encodes a KV key for the URL path: '/' is kept, unreserved characters are kept, the rest %XX.
std::string encode_key(std::string_view key);
// Percent-encodes a query parameter value (nothing but unreserved characters survives).
std::string encode_query_value(std::string_view v);

// "Xms" as the Go client sends waits and lock delays.
std::string go_millis(std::chrono::milliseconds d);

// A non-negative integer field of a Consul object (indexes, flags): 0 when absent; errc::bad_response naming
// the key for a negative or fractional number, one too big for 64 bits, or another JSON type.
result<std::uint64_t> decode_u64(const boost::json::object& o, std::string_view key);

// Decodes a KV GET body (JSON array of entries). errc::bad_response on anything malformed.
result<std::vector<kv_entry>> decode_entries(std::string_view body);
// Decodes a ?keys body (JSON array of strings). errc::bad_response on anything malformed.
result<std::vector<std::string>> decode_keys(std::string_view body);
// Decodes a JSON `true` / `false` answer (PUT, DELETE). errc::bad_response otherwise.
result<bool> decode_bool(std::string_view body);
// Decodes {"ID":"..."} of /session/create. errc::bad_response otherwise.
result<std::string> decode_session_id(std::string_view body);
// Decodes the array of /session/info and /renew; an empty array is an empty vector.
result<std::vector<session_info>> decode_sessions(std::string_view body);

// X-Consul-Index as a number; nullopt when absent or not decimal.
std::optional<std::uint64_t> parse_index(std::optional<std::string_view> header);

// Consul's client rules for the next blocking index: an index that went backwards means the state was reset
// (start over with 0, an immediate read); an index below 1 is treated as 1.
std::uint64_t next_blocking_index(std::uint64_t previous, std::uint64_t returned) noexcept;

// Maps a non-2xx Consul answer to vk::error: 403 -> permission_denied, 404 -> not_found, 409 -> conflict,
// 413 -> too_large, 429 -> rate_limited, 5xx -> server_error, other 4xx -> bad_request. The message keeps
// the plain-text body (trimmed, first line, at most 200 characters); `path` is the request path.
error map_error(unsigned status, std::string_view body, std::string path);

}  // namespace vk::consul

#endif
