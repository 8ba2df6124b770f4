// KV v1 insights, our extension to vsync's vocabulary: KV v1 keeps no version or update time, so the
// insight carries a content hash instead.
//
// Choice: {version: 0, updateTime: "sha256:<hex of the canonical JSON of the secret's data>", type: "kvV1"}.
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

#include "sync/model/insight.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace vk::sync {

void append_canonical_json(std::string& out, const boost::json::value& v);
std::string canonical_json(const boost::json::value& v);

// The kvV1 insight of a secret whose data (the "data" object of a KV v1 read) is `data`.
insight kv_v1_insight(const boost::json::value& data);

}  // namespace vk::sync

#endif
