// Compare-and-swap on object storage, as pure decisions: which precondition header a put or remove carries
// for the keeper's expected_version (shard_store.hpp), which answer header holds an object's version, and
// which refused write is worth sending again. S3 and Azure version objects by ETag (If-Match /
// If-None-Match: *), GCS by generation (x-goog-if-generation-match, 0 = "no live object").
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_OBJECT_CAS_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_OBJECT_CAS_HPP

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vk::keeper {

enum class object_service
{
    s3,
    gcs,
    azure,
};

using header_list = std::vector<std::pair<std::string, std::string>>;

// The precondition of a write: none for nullopt (unconditional), create-only for "", else match `version`.
header_list write_precondition(object_service s, const std::optional<std::string>& expected_version);

// The answer header that carries an object's version: "ETag" or "x-goog-generation".
std::string_view version_header(object_service s);

// How many times a write refused by S3's 409 ConditionalRequestConflict (a concurrent conditional write
// on the same key, not a mismatch) is sent again before it counts as a conflict.
constexpr int conditional_conflict_attempts = 4;

// True for that transient refusal: a 409 whose S3 error code is ConditionalRequestConflict. A 412 (the
// precondition failed) is a real conflict and never retried.
bool transient_conflict(object_service s, const error& e);

// "store <name> ignores conditional writes: ..." for the start-up probe that saw a second create-only write
// of the same object succeed.
std::string ignores_conditions_message(const std::string& store);

}  // namespace vk::keeper

#endif
