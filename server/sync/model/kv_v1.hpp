// KV v1 insights, our extension to vsync's vocabulary: KV v1 keeps no version or update time, so the
// insight carries a keyed content hash instead.
//
// Choice: {version: 0, updateTime: "hmac-sha256:<hex of HMAC-SHA-256(kv_v1_insight_key, canonical JSON of
// the secret's data)>", type: "kvV1"}.
// - Keyed: the insights sit in Consul, readable by anyone with Consul read access; a plain hash of the data
//   would let them test guesses of a secret offline. The key is a secret shared by the origin (which
//   publishes) and every destination (which records what it copied and must produce the same value).
// - The fields keep Go's shapes, so bucket JSON and the fmt.Sprint index hash work unchanged (a vsync peer
//   can store and hash these entries; it just never produces them).
// - version 0 is constant: "higher version wins" must not fire for content that has no order.
// - The diff (needs_update in sync/diff.hpp) treats kvV1 explicitly: update whenever the insights differ.
//   The time rule cannot be used: a hash is not a time, and would parse as Go's zero time on both sides,
//   so no change would ever propagate.
// Canonical JSON: object keys sorted bytewise, compact, strings escaped as Go's json.Marshal does, integers
// in decimal, doubles and literals as Boost.JSON serialises them; byte-stable across runs of this daemon.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_KV_V1_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_KV_V1_HPP

#include "core/error.hpp"
#include "core/secret.hpp"
#include "sync/model/insight.hpp"
#include "sync/model/kv_path.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace vk::sync {

void append_canonical_json(std::string& out, const boost::json::value& v);
std::string canonical_json(const boost::json::value& v);

// The kvV1 insight of a secret whose data (the "data" object of a KV v1 read) is `data`, keyed by `key`.
insight kv_v1_insight(const boost::json::value& data, const vk::secret& key);

// A start-up rule: KV v1 mounts among `mounts` need the insight key. errc::invalid_argument naming the
// first KV v1 mount when `have_key` is false.
result<void> require_insight_key(const std::vector<kv_mount>& mounts, bool have_key);

}  // namespace vk::sync

#endif
