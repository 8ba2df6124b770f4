// The sync vocabulary shared with vsync: an insight (what is recorded per secret) and a bucket of them.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_INSIGHT_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_INSIGHT_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace vk::sync {

// Insight types as vsync spells them. vsync only ever produces kvV2; kvV1 is ours (see sync/kv_v1.hpp).
inline constexpr std::string_view type_kv_v2 = "kvV2";
inline constexpr std::string_view type_kv_v1 = "kvV1";

// Go: Insight{Version int64 `json:"version"`; UpdateTime string `json:"updateTime"`; Type string
// `json:"type"`}. update_time is Vault's metadata updated_time copied verbatim (never normalised: it feeds
// the index hash).
struct insight
{
    std::int64_t version = 0;
    std::string update_time;
    std::string type;

    bool operator==(const insight&) const = default;
};

// Keyed by the origin KV v2 data path. std::map's bytewise (char_traits) order is Go's sorted map order,
// which both the JSON encoding and the fmt.Sprint index hash rely on. std::less<> allows string_view lookups.
using bucket = std::map<std::string, insight, std::less<>>;

}  // namespace vk::sync

#endif
