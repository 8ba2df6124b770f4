// Decoders of KV v1/v2 replies (reads incl. the deleted-version 404, writes, metadata, lists).
#include "vault/model/decode.hpp"
#include "vault/model/json_reader.hpp"

#include <charconv>

namespace vk::vault {

namespace json = boost::json;
using detail::json_reader;
using detail::malformed;

namespace {

kv_version_meta version_meta(json_reader& r)
{
    kv_version_meta m;
    m.version = r.u64("version");
    m.created_time = r.str("created_time");
    m.deletion_time = r.str("deletion_time");
    m.destroyed = r.boolean("destroyed");
    return m;
}

}  // namespace

result<kv_secret> decode_kv2_read(std::string_view body)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader r(&*d);
    auto* meta = r.obj("metadata");
    if (r.ok() && !meta)
        r.fail("no data.metadata");
    kv_secret s;
    if (auto* data = r.obj("data"))
        s.data = *data;
    json_reader m(meta);
    s.meta = version_meta(m);
    if (auto* cm = m.obj("custom_metadata"))
        s.custom_metadata = *cm;
    // Vault answers a deleted or destroyed version with data:null and the version's metadata.
    s.deleted =
        !d->contains("data") || (*d)["data"].is_null() || s.meta.destroyed || !s.meta.deletion_time.empty();
    if (!r.ok() || !m.ok())
        return malformed(r.ok() ? m.problem() : r.problem());
    return s;
}

result<kv_version_meta> decode_kv2_write(std::string_view body)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader r(&*d);
    auto m = version_meta(r);
    if (r.ok() && m.version == 0)
        r.fail("no version");
    if (!r.ok())
        return malformed(r.problem());
    return m;
}

result<kv_metadata> decode_kv2_metadata(std::string_view body)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader r(&*d);
    kv_metadata m;
    m.current_version = r.u64("current_version");
    m.oldest_version = r.u64("oldest_version");
    m.max_versions = r.u64("max_versions");
    m.cas_required = r.boolean("cas_required");
    m.delete_version_after = r.str("delete_version_after");
    m.created_time = r.str("created_time");
    m.updated_time = r.str("updated_time");
    m.custom_metadata = r.string_map("custom_metadata");
    if (auto* versions = r.obj("versions"))
        for (const auto& [key, v] : *versions)
        {
            std::uint64_t n = 0;
            auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
            if (ec != std::errc() || p != key.data() + key.size() || !v.is_object())
                return malformed("bad version entry " + std::string(key));
            json_reader vr(&v.as_object());
            auto meta = version_meta(vr);
            meta.version = n;
            if (!vr.ok())
                return malformed("version " + std::string(key) + ": " + vr.problem());
            m.versions.emplace(n, std::move(meta));
        }
    if (!r.ok())
        return malformed(r.problem());
    return m;
}

result<std::vector<std::string>> decode_list(std::string_view body)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader r(&*d);
    auto keys = r.strings("keys");
    if (r.ok() && !d->contains("keys"))
        r.fail("no data.keys");
    if (!r.ok())
        return malformed(r.problem());
    return keys;
}

result<json::object> decode_kv1_read(std::string_view body)
{
    return detail::envelope_data(body);
}

}  // namespace vk::vault
