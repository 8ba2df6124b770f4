// One `storages` entry: common keys (name, type, retain, max_age), then the type's own keys.
#include "snapshot/model/storage_settings.hpp"

#include <cctype>

namespace vk::snapshot {
namespace {

bool valid_name(std::string_view n)
{
    if (n.empty() || n.size() > 63 || !std::isalnum(static_cast<unsigned char>(n.front())))
        return false;
    for (char c : n)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

local_storage_settings read_local(object_reader& r)
{
    local_storage_settings s;
    s.path = r.string("path", need::required).value_or("");
    if (r.has("path") && (s.path.empty() || s.path.front() != '/'))
        r.problem("path", "must be an absolute directory path");
    return s;
}

}  // namespace

storage_spec read_spec(object_reader& r, const std::string& type, const std::string& name)
{
    auto named = [&](auto s) -> storage_spec {
        s.name = name;
        return s;
    };
    if (auto object = cloud::read_object_storage(r, type, name))
        return std::visit([](auto s) -> storage_spec { return s; }, std::move(*object));
    return named(read_local(r));
}

std::optional<storage_settings> read_storage(object_reader& r)
{
    storage_settings s;
    s.name = r.string("name", need::required).value_or("");
    if (r.has("name") && !valid_name(s.name))
        r.problem("name", "use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    const auto type = r.one_of("type", {"local", "s3", "azure", "gcs"}, "");
    if (!r.has("type"))
        r.problem("type", "required: \"local\", \"s3\", \"azure\" or \"gcs\"");
    s.retention.retain = static_cast<std::size_t>(r.integer_or("retain", 0, 1'000'000, 0));
    s.retention.max_age = r.dur("max_age");
    if (s.retention.max_age && s.retention.max_age->count() == 0)
        r.problem("max_age", "must be more than 0 (leave it out to keep snapshots of any age)");
    if (type.empty())
    {
        r.finish();
        return std::nullopt;
    }
    s.spec = read_spec(r, type, s.name);
    r.finish();
    return s;
}

std::string_view type_name(const storage_spec& spec)
{
    static constexpr std::string_view names[] = {"local", "s3", "azure", "gcs"};
    return names[spec.index()];
}

}  // namespace vk::snapshot
