// The sync vocabulary shared with vsync: an insight (what is recorded per secret), owned or viewed.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_INSIGHT_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_INSIGHT_HPP

#include <cstdint>
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

// An insight held by someone else (a bucket's arena, an owned insight): valid while its holder is unchanged.
// What the sync info hands out, so that a million of them are never copied into strings.
struct insight_view
{
    std::int64_t version = 0;
    std::string_view update_time;
    std::string_view type;

    insight_view() = default;
    insight_view(std::int64_t v, std::string_view t, std::string_view ty)
        : version(v),
          update_time(t),
          type(ty)
    {
    }
    // Implicit: every reader of insights takes views, and an owned insight is one.
    insight_view(const insight& in)
        : version(in.version),
          update_time(in.update_time),
          type(in.type)
    {
    }

    insight owned() const { return {version, std::string(update_time), std::string(type)}; }
    bool operator==(const insight_view&) const = default;
};

}  // namespace vk::sync

#endif
