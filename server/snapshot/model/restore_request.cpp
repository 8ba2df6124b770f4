// Validation of a restore request body (see restore_request.hpp).
#include "snapshot/model/restore_request.hpp"

namespace vk::snapshot {
namespace {

error field_error(std::string_view field, std::string message)
{
    std::string text = "/";
    text.append(field).append(": ").append(message);
    return make_error(errc::bad_request, std::move(text));
}

// The string field, "" when absent and `optional`.
result<std::string> string_field(const boost::json::object& o, std::string_view field, bool optional)
{
    const auto* v = o.if_contains(field);
    if (!v && optional)
        return std::string();
    if (!v || !v->is_string() || v->get_string().empty())
        return field_error(field,
                           optional ? "a non-empty string when given" : "required: a non-empty string");
    return std::string(v->get_string());
}

result<bool> bool_field(const boost::json::object& o, std::string_view field)
{
    const auto* v = o.if_contains(field);
    if (!v)
        return false;
    if (!v->is_bool())
        return field_error(field, "must be true or false");
    return v->get_bool();
}

}  // namespace

result<restore_request> parse_restore_request(const boost::json::value& body, const snapshot_settings& s)
{
    const auto* o = body.if_object();
    if (!o)
        return make_error(errc::bad_request,
                          "the body must be a JSON object {\"storage\", \"name\", \"force\", \"dry_run\"}");
    for (const auto& [key, _] : *o)
        if (key != "storage" && key != "name" && key != "force" && key != "dry_run")
            return field_error(key, "unknown field");
    restore_request r;
    auto dry_run = bool_field(*o, "dry_run");
    if (!dry_run)
        return dry_run.error();
    r.dry_run = *dry_run;
    auto storage = string_field(*o, "storage", r.dry_run);
    if (!storage)
        return storage.error();
    if (storage->empty() && !s.storages.empty())
        *storage = s.storages.front().name;
    if (!s.find_storage(*storage))
        return field_error("storage", "no storage named \"" + *storage + "\" in this job");
    auto name = string_field(*o, "name", r.dry_run);
    if (!name)
        return name.error();
    if (name->find('/') != std::string::npos || name->starts_with("."))
        return field_error("name", "must be a snapshot name as GET list shows it");
    auto force = bool_field(*o, "force");
    if (!force)
        return force.error();
    r.force = *force;
    r.storage = std::move(*storage);
    r.name = std::move(*name);
    return r;
}

}  // namespace vk::snapshot
