// Byte-exact renderings Go produces for vsync data: json.Marshal string escaping and fmt.Sprint of a bucket,
// whose SHA-256 is vsync's per-bucket index hash.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_GO_FORMAT_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_GO_FORMAT_HPP

#include "sync/model/bucket.hpp"

#include <string>
#include <string_view>

namespace vk::sync {

// sha256("map[]"): the index hash of an empty bucket.
inline constexpr std::string_view empty_bucket_hash =
    "52133ddfcd583280388a8bbfb67a417b6b660f75bc63ec1b01beec811d4498ef";

// Appends s as a quoted JSON string exactly like Go's encoding/json with HTML escaping (vsync's Go 1.12/1.13
// era): `"` and `\` escaped, \n \r \t short forms, other bytes < 0x20 and & < > as \u00XX, U+2028/U+2029 as
// \u2028/\u2029, and each byte of invalid UTF-8 as \ufffd.
void append_go_json_string(std::string& out, std::string_view s);
// The number of bytes append_go_json_string would append (quotes included).
std::size_t go_json_string_size(std::string_view s);

// Appends Go's fmt.Sprint(map[string]Insight): `map[k1:{3 t kvV2} k2:{...}]`, keys in sorted order, strings
// raw (unquoted, unescaped), and `map[]` for an empty bucket.
void append_go_sprint(std::string& out, const bucket& b);
std::string go_sprint(const bucket& b);

// The index hash of a bucket: hex(sha256(fmt.Sprint(bucket))).
std::string bucket_hash(const bucket& b);

}  // namespace vk::sync

#endif
