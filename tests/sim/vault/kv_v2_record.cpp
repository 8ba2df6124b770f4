// KV v2 key records: (de)serialisation, version pruning and the metadata views Vault returns.
#include "kv_v2_record.hpp"

#include <boost/json/monotonic_resource.hpp>

#include <charconv>

namespace vsim::kv2 {

namespace {

bool bool_at(const json::object& o, std::string_view k)
{
    auto* v = o.if_contains(k);
    return v && v->is_bool() && v->get_bool();
}

}  // namespace

std::string key_prefix(const std::string& mount_prefix)
{
    return mount_prefix + "k/";
}

std::optional<record> load(const storage& st, const std::string& key)
{
    const std::string* raw = st.find(key);
    if (!raw)
        return std::nullopt;
    // Parse into a stack arena (reads are the hot path); only the secret data is copied to the heap.
    unsigned char arena[8192];
    json::monotonic_resource mr(arena, sizeof arena);
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec, json::storage_ptr(&mr));
    if (ec || !v.is_object())
        return std::nullopt;
    auto& o = v.get_object();
    record r;
    r.cas_required = bool_at(o, "cr");
    r.max_versions = int_at(o, "mv");
    r.delete_version_after = int_at(o, "dva");
    if (auto* cm = o.if_contains("cm"))
        r.custom_metadata = json::value(*cm, json::storage_ptr());
    r.created_ns = int_at(o, "ct");
    r.updated_ns = int_at(o, "ut");
    r.current_version = int_at(o, "cv");
    r.oldest_version = int_at(o, "ov");
    if (auto* vs = o.if_contains("v"); vs && vs->is_object())
    {
        for (auto& kv : vs->get_object())
        {
            if (!kv.value().is_object())
                continue;
            auto& vo = kv.value().get_object();
            version ver{int_at(vo, "ct"), int_at(vo, "dt"), bool_at(vo, "x"), nullptr};
            if (auto* d = vo.if_contains("d"))
                ver.data = json::value(*d, json::storage_ptr());
            std::int64_t n = 0;
            std::from_chars(kv.key().data(), kv.key().data() + kv.key().size(), n);
            r.versions.emplace(n, std::move(ver));
        }
    }
    return r;
}

void save(storage& st, const std::string& key, const record& r)
{
    json::object vs;
    for (auto& [n, ver] : r.versions)
    {
        json::object vo{{"ct", ver.created_ns}, {"dt", ver.deletion_ns}, {"x", ver.destroyed}};
        if (!ver.destroyed)
            vo["d"] = ver.data;
        vs[std::to_string(n)] = std::move(vo);
    }
    json::object o{{"cr", r.cas_required},    {"mv", r.max_versions},   {"dva", r.delete_version_after},
                   {"cm", r.custom_metadata}, {"ct", r.created_ns},     {"ut", r.updated_ns},
                   {"cv", r.current_version}, {"ov", r.oldest_version}, {"v", std::move(vs)}};
    st.put(key, json::serialize(o));
}

config load_config(const storage& st, const std::string& mount_prefix)
{
    config c;
    const std::string* raw = st.find(mount_prefix + "config");
    if (!raw)
        return c;
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (ec || !v.is_object())
        return c;
    c.max_versions = int_at(v.get_object(), "max_versions");
    c.cas_required = bool_at(v.get_object(), "cas_required");
    c.delete_version_after = int_at(v.get_object(), "delete_version_after");
    return c;
}

void save_config(storage& st, const std::string& mount_prefix, const config& c)
{
    json::object o{{"max_versions", c.max_versions},
                   {"cas_required", c.cas_required},
                   {"delete_version_after", c.delete_version_after}};
    st.put(mount_prefix + "config", json::serialize(o));
}

void prune(record& r, const config& c)
{
    std::int64_t limit = r.max_versions > 0 ? r.max_versions : (c.max_versions > 0 ? c.max_versions : 10);
    // Versions numbered <= current - limit fall off, as the KV plugin's cleanup does.
    std::int64_t cutoff = r.current_version - limit;
    if (cutoff <= 0)
        return;
    bool pruned = false;
    while (!r.versions.empty() && r.versions.begin()->first <= cutoff)
    {
        r.versions.erase(r.versions.begin());
        pruned = true;
    }
    if (pruned || r.oldest_version < cutoff + 1)
        r.oldest_version = cutoff + 1;
}

json::object version_metadata(const record& r, std::int64_t v)
{
    auto& ver = r.versions.at(v);
    return {{"created_time", rfc3339_nano(ver.created_ns)},
            {"custom_metadata", r.custom_metadata},
            {"deletion_time", ver.deletion_ns ? rfc3339_nano(ver.deletion_ns) : std::string()},
            {"destroyed", ver.destroyed},
            {"version", v}};
}

json::object metadata_json(const record& r)
{
    json::object versions;
    for (auto& [n, ver] : r.versions)
        versions[std::to_string(n)] =
            json::object{{"created_time", rfc3339_nano(ver.created_ns)},
                         {"deletion_time", ver.deletion_ns ? rfc3339_nano(ver.deletion_ns) : std::string()},
                         {"destroyed", ver.destroyed}};
    return {{"cas_required", r.cas_required},
            {"created_time", rfc3339_nano(r.created_ns)},
            {"current_version", r.current_version},
            {"custom_metadata", r.custom_metadata},
            {"delete_version_after", go_duration(r.delete_version_after)},
            {"max_versions", r.max_versions},
            {"oldest_version", r.oldest_version},
            {"updated_time", rfc3339_nano(r.updated_ns)},
            {"versions", std::move(versions)}};
}

std::string synthetic_record(std::int64_t now_ns, std::string_view data_json)
{
    std::string t = std::to_string(now_ns);
    std::string out;
    out.reserve(160 + data_json.size());
    out += R"({"cr":false,"mv":0,"dva":0,"cm":null,"ct":)";
    out += t;
    out += R"(,"ut":)";
    out += t;
    out += R"(,"cv":1,"ov":0,"v":{"1":{"ct":)";
    out += t;
    out += R"(,"dt":0,"x":false,"d":)";
    out += data_json;
    out += "}}}";
    return out;
}

}  // namespace vsim::kv2
