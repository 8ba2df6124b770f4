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

result<std::string> string_field(const boost::json::object& o, std::string_view field)
{
    const auto* v = o.if_contains(field);
    if (!v || !v->is_string() || v->get_string().empty())
        return field_error(field, "required: a non-empty string");
    return std::string(v->get_string());
}

}  // namespace

result<restore_request> parse_restore_request(const boost::json::value& body, const snapshot_settings& s)
{
    const auto* o = body.if_object();
    if (!o)
        return make_error(errc::bad_request,
                          "the body must be a JSON object {\"storage\", \"name\", \"force\"}");
    for (const auto& [key, _] : *o)
        if (key != "storage" && key != "name" && key != "force")
            return field_error(key, "unknown field");
    restore_request r;
    auto storage = string_field(*o, "storage");
    if (!storage)
        return storage.error();
    if (!s.find_storage(*storage))
        return field_error("storage", "no storage named \"" + *storage + "\" in this job");
    auto name = string_field(*o, "name");
    if (!name)
        return name.error();
    if (name->find('/') != std::string::npos || name->starts_with("."))
        return field_error("name", "must be a snapshot name as GET list shows it");
    if (const auto* f = o->if_contains("force"); f && !f->is_bool())
        return field_error("force", "must be true or false");
    else if (f)
        r.force = f->get_bool();
    r.storage = std::move(*storage);
    r.name = std::move(*name);
    return r;
}

}  // namespace vk::snapshot
