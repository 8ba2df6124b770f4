// The origin's reading of a KV v2 metadata reply: the insight to publish, or an explicit reason to skip the
// secret; and the metadata-path to data-path rewrite.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_METADATA_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_METADATA_HPP

#include "core/error.hpp"
#include "sync/model/insight.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace vk::sync {

enum class skip_reason
{
    none,                   // not skipped: `in` is set
    deleted,                // the current version has a deletion_time (soft delete)
    destroyed,              // the current version is destroyed
    no_current_version,     // current_version 0: metadata without any version
    missing_version_entry,  // versions has no entry for current_version
};

std::string_view to_string(skip_reason r) noexcept;

struct metadata_outcome
{
    std::optional<insight> in;  // {current_version, updated_time verbatim, "kvV2"} when not skipped
    skip_reason reason = skip_reason::none;
};

// Interprets GET <mount>metadata/<path> (parse_metadata: from the reply text): either the whole reply
// ({"data":{...}}) or its data object.
// errc::bad_response naming `path` (error.path) when the reply is malformed: current_version missing or not
// a non-negative integer, versions or a version entry not an object, deletion_time not a string or null,
// destroyed not a bool, updated_time not a string. Never throws.
result<metadata_outcome> interpret_metadata(std::string_view path, const boost::json::value& reply);
result<metadata_outcome> parse_metadata(std::string_view path, std::string_view reply_json);

// "<mount>metadata/<rel>" -> "<mount>data/<rel>" for mount "secret/" (a missing trailing '/' is added).
// Only the mount's own "metadata/" segment is replaced, unlike vsync's first-"/metadata" replace that breaks
// mounts such as "team/metadata-store/". errc::invalid_argument when the path is not under
// "<mount>metadata/" or names nothing below it.
result<std::string> metadata_to_data_path(std::string_view mount, std::string_view metadata_path);

}  // namespace vk::sync

#endif
