// KV v2 metadata interpretation for the origin walk (see metadata.hpp).
#include "sync/model/metadata.hpp"

#include "sync/model/bucket.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

namespace vk::sync {
namespace {

error malformed(std::string_view path, std::string what)
{
    return make_error(errc::bad_response, "malformed KV v2 metadata: " + what, {}, std::string(path));
}

// The metadata object: the reply's "data" when given the whole reply.
const boost::json::object* metadata_object(const boost::json::value& reply)
{
    const auto* o = reply.if_object();
    if (!o || o->contains("current_version"))
        return o;
    auto it = o->find("data");
    return it != o->end() ? it->value().if_object() : o;
}

}  // namespace

std::string_view to_string(skip_reason r) noexcept
{
    switch (r)
    {
    case skip_reason::none: return "none";
    case skip_reason::deleted: return "deleted";
    case skip_reason::destroyed: return "destroyed";
    case skip_reason::no_current_version: return "no_current_version";
    case skip_reason::missing_version_entry: return "missing_version_entry";
    }
    return "unknown";
}

result<metadata_outcome> interpret_metadata(std::string_view path, const boost::json::value& reply)
{
    const auto* m = metadata_object(reply);
    if (!m)
        return malformed(path, "not a JSON object");
    const auto* cv = m->if_contains("current_version");
    if (!cv || !cv->is_number() || cv->is_double() || (cv->is_int64() && cv->get_int64() < 0))
        return malformed(path, "current_version is missing or not a non-negative integer");
    const auto current = cv->is_int64() ? static_cast<std::uint64_t>(cv->get_int64()) : cv->get_uint64();
    if (current == 0)
        return metadata_outcome{std::nullopt, skip_reason::no_current_version};
    const auto* versions_v = m->if_contains("versions");
    const auto* versions = versions_v ? versions_v->if_object() : nullptr;
    if (versions_v && !versions && !versions_v->is_null())
        return malformed(path, "versions is not an object");
    const auto* entry_v = versions ? versions->if_contains(std::to_string(current)) : nullptr;
    if (!entry_v)
        return metadata_outcome{std::nullopt, skip_reason::missing_version_entry};
    const auto* entry = entry_v->if_object();
    if (!entry)
        return malformed(path, "versions entry " + std::to_string(current) + " is not an object");
    if (const auto* dt = entry->if_contains("deletion_time"); dt && !dt->is_null())
    {
        if (!dt->is_string())
            return malformed(path, "deletion_time is not a string");
        if (!dt->get_string().empty())
            return metadata_outcome{std::nullopt, skip_reason::deleted};
    }
    if (const auto* d = entry->if_contains("destroyed"); d && !d->is_null())
    {
        if (!d->is_bool())
            return malformed(path, "destroyed is not a bool");
        if (d->get_bool())
            return metadata_outcome{std::nullopt, skip_reason::destroyed};
    }
    const auto* ut = m->if_contains("updated_time");
    if (!ut || !ut->is_string())
        return malformed(path, "updated_time is missing or not a string");
    if (ut->get_string().size() > max_insight_text)
        return malformed(path, "updated_time is longer than 65535 bytes");
    if (current > static_cast<std::uint64_t>(INT64_MAX))
        return malformed(path, "current_version does not fit int64");
    return metadata_outcome{
        insight{static_cast<std::int64_t>(current), std::string(ut->get_string()), std::string(type_kv_v2)},
        skip_reason::none};
}

result<metadata_outcome> parse_metadata(std::string_view path, std::string_view reply_json)
{
    // A reply is parsed per secret of a walk (a million times): its tree goes into a buffer on the stack
    // (spilling to the heap only for a secret with many versions) instead of an allocation per node.
    unsigned char buffer[8192];
    boost::json::monotonic_resource arena(buffer, sizeof buffer);
    boost::system::error_code ec;
    const auto v = boost::json::parse(reply_json, ec, &arena);
    if (ec)
        return malformed(path, "not valid JSON: " + ec.message());
    return interpret_metadata(path, v);
}

result<std::string> metadata_to_data_path(std::string_view mount, std::string_view metadata_path)
{
    std::string base(mount);
    if (base.empty() || base.back() != '/')
        base += '/';
    const std::string meta_prefix = base + "metadata/";
    if (metadata_path.substr(0, meta_prefix.size()) != meta_prefix ||
        metadata_path.size() == meta_prefix.size())
        return make_error(errc::invalid_argument, "path is not a secret under " + meta_prefix, {},
                          std::string(metadata_path));
    return base + "data/" + std::string(metadata_path.substr(meta_prefix.size()));
}

}  // namespace vk::sync
