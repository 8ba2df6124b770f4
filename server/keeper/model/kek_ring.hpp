// A store's key-encryption keys: the current one, which seals every write, and previous ones that still open
// what they sealed until it is rewritten under the current one (a rotation). The config forms, the choice of
// key for a blob, and whether an object must be rewritten. Pure: sealing is core/sealed_blob.hpp.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_KEK_RING_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_KEK_RING_HPP

#include "core/config_reader.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::keeper {

struct kek_ring
{
    secret current;                // 32 raw bytes
    std::vector<secret> previous;  // 32 raw bytes each, in the order configured

    // Key i: 0 is the current one, 1.. the previous ones.
    const secret& key(std::size_t i) const { return i == 0 ? current : previous.at(i - 1); }
    std::size_t size() const noexcept { return 1 + previous.size(); }
};

// `key` of r as a ring: "<key>" (hex or base64 of 32 bytes; also {"file"} / {"env"}) or
// {"current": "<key>", "previous": ["<key>", ...]}. nullopt with a problem at its pointer (the message names
// lengths, never a value) when absent or malformed. The parse every sealing store uses.
std::optional<kek_ring> read_kek(object_reader& r, std::string_view key);

// The ring's keys to try on a blob, in order: the one whose id the blob names (none when no key of the ring
// has it: that key was dropped from the config), or every key, current first, for a blob without an id.
std::vector<std::size_t> kek_candidates(const std::optional<std::string>& blob_id,
                                        const std::vector<std::string>& ring_ids);

struct opened_object
{
    std::string plaintext;
    std::size_t key_index = 0;  // which key of the ring opened it
    // The transit key version its data key is wrapped under (an envelope; nullopt for a ring's blob).
    std::optional<std::int64_t> wrap_version;
    // Sealed under a previous key: to be rewritten under the current one.
    bool needs_rewrite() const noexcept { return key_index != 0; }
};

// Seals under the current key with its id in the header ("VKS2").
result<std::string> seal_object(const kek_ring& ring, std::string_view name, std::string_view plaintext);
// Opens with the key the header names, or each key in turn for an id-less "VKS1" blob. bad_response (as
// open_blob) when no key of the ring opens it.
result<opened_object> open_object(const kek_ring& ring, std::string_view name, std::string_view sealed);

// Objects rewritten under the current key per store and cycle: the rotation advances in the background
// without making one cycle long.
inline constexpr std::size_t kek_rewrites_per_cycle = 8;

// When objects under an old key were first seen (Unix seconds): kept while some remain, `now` when they
// first appear, nullopt once there are none. Feeds the age the VaultkeeperKeeperOldKek alert compares with
// kek_rotation_grace.
std::optional<std::int64_t> old_kek_first_seen(std::optional<std::int64_t> since, int old_objects,
                                               std::int64_t now);

// Those first-seen times per store as the keeper keeps them across restarts (a file of its state_dir), so
// that a restart does not start the grace again: {"old_kek_since": {"<store>": <unix seconds>}}.
std::string encode_old_kek_since(const std::map<std::string, std::int64_t>& since);
// What encode_old_kek_since wrote; bad_response naming what is wrong otherwise (a foreign or damaged file).
result<std::map<std::string, std::int64_t>> decode_old_kek_since(std::string_view text);

}  // namespace vk::keeper

#endif
