// Reads a sync job's keys; references to vaults and consuls are checked against the top-level blocks.
#include "sync/model/settings.hpp"

namespace vk::sync {
namespace {

std::string with_slash(std::string s)
{
    if (!s.empty() && s.back() != '/')
        s.push_back('/');
    return s;
}

template <class Known>
void read_reference(object_reader& r, std::string_view key, const std::map<std::string, Known>& known,
                    std::string& out)
{
    auto name = r.string(key, need::required);
    if (!name)
        return;
    if (!known.contains(*name))
        r.problem(key, "no " + std::string(key) + " named \"" + *name + "\" in /" + std::string(key) + "s");
    out = *name;
}

side_config read_side(object_reader& r, const vk::config& cfg, bool with_mounts)
{
    side_config side;
    read_reference(r, "vault", cfg.vaults, side.vault);
    read_reference(r, "consul", cfg.consuls, side.consul);
    if (with_mounts)
    {
        side.mounts = r.string_list("mounts", need::required);
        if (side.mounts.empty() && r.has("mounts"))
            r.problem("mounts", "at least one mount is required");
        for (auto& m : side.mounts)
        {
            if (m.empty() || m.front() == '/')
                r.problem("mounts", "mount \"" + m + "\" must be a path like \"secret/\" (no leading slash)");
            m = with_slash(m);
        }
    }
    side.sync_path = with_slash(r.string_or("sync_path", side.sync_path));
    if (side.sync_path == "/" || side.sync_path.front() == '/')
        r.problem("sync_path", "must be a Consul key prefix like \"vsync/\" (no leading slash)");
    r.finish();
    return side;
}

void read_transforms(object_reader& r, sync_settings& s)
{
    r.each_object("transforms", [&](object_reader& t) {
        transform_config c;
        c.name = t.string("name", need::required).value_or("");
        c.from = t.string("from", need::required).value_or("");
        c.to = t.string("to", need::required).value_or("");
        t.finish();
        if (auto compiled = transformer::compile(c); !compiled)
            t.problem("from", compiled.error().message);
        s.transforms.push_back(std::move(c));
    });
    if (auto pack = transform_pack::compile(s.transforms))
        s.pack = std::move(*pack);
}

}  // namespace

std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg)
{
    auto s = std::make_shared<sync_settings>();
    s->role =
        r.one_of("role", {"origin", "destination"}, "") == "destination" ? role::destination : role::origin;
    if (!r.has("role"))
        r.problem("role", "required: \"origin\" or \"destination\"");
    if (auto o = r.object("origin", need::required))
        s->origin = read_side(*o, cfg, true);
    bool dest = s->role == role::destination;
    if (auto d = r.object("destination", dest ? need::required : need::optional))
    {
        if (!dest)
            r.problem("destination", "only a destination job has a destination");
        s->destination = read_side(*d, cfg, false);
    }
    s->buckets = static_cast<std::size_t>(r.integer_or("buckets", 1, 65535, 1));
    s->workers = static_cast<std::size_t>(r.integer_or("workers", 1, 1024, 16));
    s->max_requests_per_second =
        static_cast<double>(r.integer_or("max_requests_per_second", 0, 1'000'000, 0));
    s->max_delete_percent = static_cast<double>(r.integer_or("max_delete_percent", 0, 100, 20));
    s->ignore_deletes = r.boolean_or("ignore_deletes", false);
    s->repair = r.boolean_or("repair", false);
    s->watch = r.boolean_or("watch", true);
    s->approval_ttl = r.dur_or("approval_ttl", s->approval_ttl);
    if (s->approval_ttl <= std::chrono::milliseconds(0))
        r.problem("approval_ttl", "must be a positive duration like \"1h\"");
    s->origin_grace = r.dur_or("origin_grace", s->origin_grace);
    s->max_publish_drop_percent = static_cast<double>(r.integer_or("max_publish_drop_percent", 0, 100, 20));
    s->kv_v1_insight_key = r.secret_value("kv_v1_insight_key");
    if (s->kv_v1_insight_key && s->kv_v1_insight_key->reveal().size() < 16)
        r.problem("kv_v1_insight_key",
                  "must be at least 16 bytes (it keys the HMAC that hides KV v1 content)");
    read_transforms(r, *s);
    if (dest && r.has("buckets"))
        r.problem("buckets", "a destination adopts the origin's bucket count; set buckets on the origin job");
    if (dest && r.has("max_publish_drop_percent"))
        r.problem("max_publish_drop_percent", "only an origin job has this setting");
    if (!dest)
        for (const char* key :
             {"transforms", "ignore_deletes", "max_delete_percent", "repair", "watch", "origin_grace"})
            if (r.has(key))
                r.problem(key, "only a destination job has this setting");
    return s;
}

}  // namespace vk::sync
