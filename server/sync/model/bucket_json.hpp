// Bucket JSON as stored in Consul: encoded exactly like Go's json.Marshal(Bucket), decoded like Go's
// json.Unmarshal but strict about types and with errors that name the Consul key and the entry path.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_BUCKET_JSON_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_BUCKET_JSON_HPP

#include "core/error.hpp"
#include "sync/model/bucket.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace vk::sync {

// {"<path>":{"version":3,"updateTime":"...","type":"kvV2"},...}: keys sorted, compact, HTML-escaped; `{}`
// when empty.
void append_bucket_json(std::string& out, const bucket& b);
std::string encode_bucket(const bucket& b);
// The size of encode_bucket(b), counted without encoding.
std::size_t bucket_json_size(const bucket& b);
// The size of one entry's `"path":{...}` in a bucket's JSON (without a separating comma).
std::size_t entry_json_size(std::string_view path, insight_view in);

// Parses a bucket value read from Consul key `key` (used in error messages only). Go-compatible tolerance:
// any field order, unknown fields ignored, field names matched case-insensitively when no exact match,
// missing or null fields left zero, `null` as the whole value is an empty bucket. Strict: version must be
// an integer that fits int64, updateTime and type strings of at most max_insight_text bytes, each entry an
// object.
// errc::bad_response naming the key (error.path) and the entry path (message) otherwise.
result<bucket> decode_bucket(std::string_view json, std::string_view key);

// One entry's insight from its JSON value; `where` prefixes error messages.
result<insight> insight_from_json(const boost::json::value& v, std::string_view key, std::string_view where);

}  // namespace vk::sync

#endif
