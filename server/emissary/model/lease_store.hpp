// The lease state file, <state_dir>/<job>.leases, as plain functions: what a restart needs so that it does
// not mint new credentials for every template. Always the lease ids with their timing (so that leases a
// restart cannot reuse are revoked, not left to expire); with a state_key, also each answer's data, sealed
// with AES-256-GCM (keeper/model/sealed_blob.hpp: random 12-byte nonce per write, the job name as additional
// data, so a file copied to another job's name does not open).
//
// {"version": 1, "job": "web",
//  "leases": [{"source": "db", "path": "database/creds/app", "lease_id": "...", "issued": 1764900000,
//              "duration": 3600, "increment": 3600, "renewable": true}, ...],
//  "sealed": "<base64 of the sealed JSON array of the same entries, each with its \"data\">"}   (with a key)
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_LEASE_STORE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_LEASE_STORE_HPP

#include "core/error.hpp"
#include "core/secret.hpp"

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::emissary {

struct stored_lease
{
    std::string source;
    std::string path;
    std::string lease_id;
    std::int64_t issued = 0;  // unix seconds of the last answer (fetch or renewal)
    std::chrono::seconds duration{};
    std::chrono::seconds increment{};
    bool renewable = false;
    std::optional<boost::json::value> data;  // only with a key
    bool operator==(const stored_lease&) const = default;
};

// The state_key's 32 raw bytes from 64 hex digits or base64 of 32 bytes; nullopt otherwise.
std::optional<std::string> decode_state_key(std::string_view configured);

// The file's text. With a key, the entries' data go in "sealed" only; without, no data is written.
result<std::string> encode_lease_state(std::string_view job, const std::vector<stored_lease>& leases,
                                       const std::optional<secret>& raw_key);

// What a file holds. With a key, the sealed entries (with their data); without, the plain ones (no data).
// bad_response naming what is wrong (not JSON, another job's file, a sealed part that does not open with
// this key or was changed); `plain_ids` then still holds the lease ids the plain part lists, when readable,
// so that they can be revoked.
struct lease_state
{
    std::vector<stored_lease> leases;
};
struct lease_state_error
{
    error why;
    std::vector<std::string> plain_ids;
};
struct decoded_state
{
    std::optional<lease_state> state;
    std::optional<lease_state_error> failure;
};
decoded_state decode_lease_state(std::string_view job, std::string_view text,
                                 const std::optional<secret>& raw_key);

// A stored answer is reused when it has its data and `now` (unix seconds) is before its renewal point
// (2/3 of its duration after it was issued, no jitter).
bool reusable(const stored_lease& l, std::int64_t now);

}  // namespace vk::emissary

#endif
