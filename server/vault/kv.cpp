// KV v2 and v1 operations (see kv.hpp).
#include "vault/kv.hpp"
#include "vault/errors.hpp"
#include "vault/model/decode.hpp"
#include "vault/ops_util.hpp"

#include <boost/json/array.hpp>

namespace vk::vault {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::fetch;
using detail::run;
using detail::to_json;

namespace {

json::value versions_body(const std::vector<std::uint64_t>& versions)
{
    json::array a;
    for (auto v : versions)
        a.emplace_back(v);
    return json::object{{"versions", std::move(a)}};
}

// A LIST whose 404 means "nothing there".
asio::awaitable<result<std::vector<std::string>>> list(client& c, std::string path)
{
    call req;
    req.path = std::move(path) + "/";
    req.query = "list=true";  // as the Go client: a GET, so it is retried like any read
    auto r = co_await fetch(c, req, &decode_list);
    if (!r && r.error().is(errc::not_found))
        co_return std::vector<std::string>{};
    co_return r;
}

asio::awaitable<result<kv_version_meta>> write_data(client& c, call& req, const json::object& data,
                                                    std::optional<std::uint64_t> cas)
{
    json::object body{{"data", data}};
    if (cas)
        body["options"] = json::object{{"cas", *cas}};
    req.body = to_json(body);
    co_return co_await fetch(c, req, &decode_kv2_write);
}

}  // namespace

asio::awaitable<result<kv_secret>> kv2_read(client& c, std::string_view mount, std::string_view path,
                                            std::optional<std::uint64_t> version)
{
    call req;
    req.path = mount_path(mount, "data", path);
    if (version)
        req.query = "version=" + std::to_string(*version);
    auto r = co_await c.send(req);
    if (!r)
        co_return r.error();
    // 404 with data.metadata is a deleted/destroyed version; a bare 404 {"errors":[]} is a miss.
    bool deleted_version = r->status == 404 && r->body.find("\"metadata\"") != std::string::npos;
    if (r->status != 200 && !deleted_version)
        co_return reply_error(r->status, r->body, c.endpoint(), req.path);
    auto s = decode_kv2_read(r->body);
    if (!s)
        co_return c.located(s.error(), req.path);
    if (r->status == 404)
        s->deleted = true;
    co_return std::move(*s);
}

asio::awaitable<result<kv_version_meta>> kv2_write(client& c, std::string_view mount, std::string_view path,
                                                   const json::object& data, std::optional<std::uint64_t> cas)
{
    call req;
    req.method = "POST";
    req.path = mount_path(mount, "data", path);
    co_return co_await write_data(c, req, data, cas);
}

asio::awaitable<result<kv_version_meta>> kv2_patch(client& c, std::string_view mount, std::string_view path,
                                                   const json::object& patch,
                                                   std::optional<std::uint64_t> cas)
{
    call req;
    req.method = "PATCH";
    req.path = mount_path(mount, "data", path);
    req.content_type = "application/merge-patch+json";
    co_return co_await write_data(c, req, patch, cas);
}

asio::awaitable<result<std::vector<std::string>>> kv2_list(client& c, std::string_view mount,
                                                           std::string_view folder)
{
    co_return co_await list(c, mount_path(mount, "metadata", folder));
}

asio::awaitable<result<kv_metadata>> kv2_read_metadata(client& c, std::string_view mount,
                                                       std::string_view path)
{
    call req;
    req.path = mount_path(mount, "metadata", path);
    co_return co_await fetch(c, req, &decode_kv2_metadata);
}

asio::awaitable<result<std::string>> kv2_read_metadata_json(client& c, std::string_view mount,
                                                            std::string_view path)
{
    call req;
    req.path = mount_path(mount, "metadata", path);
    auto r = co_await c.perform(req);
    if (!r)
        co_return r.error();
    co_return std::move(r->body);
}

asio::awaitable<result<void>> kv2_write_metadata(client& c, std::string_view mount, std::string_view path,
                                                 const kv_metadata_update& m)
{
    json::object body;
    if (m.max_versions)
        body["max_versions"] = *m.max_versions;
    if (m.cas_required)
        body["cas_required"] = *m.cas_required;
    if (m.delete_version_after)
        body["delete_version_after"] = *m.delete_version_after;
    if (m.custom_metadata)
    {
        json::object cm;
        for (const auto& [k, v] : *m.custom_metadata)
            cm[k] = v;
        body["custom_metadata"] = std::move(cm);
    }
    call req;
    req.method = "POST";
    req.path = mount_path(mount, "metadata", path);
    req.idempotent = true;  // setting the same fields twice is harmless
    req.body = to_json(body);
    co_return co_await run(c, req);
}

asio::awaitable<result<void>> kv2_delete_metadata(client& c, std::string_view mount, std::string_view path)
{
    call req;
    req.method = "DELETE";
    req.path = mount_path(mount, "metadata", path);
    co_return co_await run(c, req);
}

// POST <mount><verb>/<path> {"versions": [...]} for delete, undelete and destroy. Idempotent: applying the
// same versions twice leaves the same state, so the HTTP client may retry it.
static call versions_call(std::string_view mount, std::string_view verb, std::string_view path,
                          const std::vector<std::uint64_t>& versions)
{
    call req;
    req.method = "POST";
    req.path = mount_path(mount, verb, path);
    req.idempotent = true;
    req.body = to_json(versions_body(versions));
    return req;
}

asio::awaitable<result<void>> kv2_delete(client& c, std::string_view mount, std::string_view path,
                                         const std::vector<std::uint64_t>& versions)
{
    call req;
    if (versions.empty())
    {
        req.method = "DELETE";
        req.path = mount_path(mount, "data", path);
        co_return co_await run(c, req);
    }
    req = versions_call(mount, "delete", path, versions);
    co_return co_await run(c, req);
}

asio::awaitable<result<void>> kv2_undelete(client& c, std::string_view mount, std::string_view path,
                                           const std::vector<std::uint64_t>& versions)
{
    call req = versions_call(mount, "undelete", path, versions);
    co_return co_await run(c, req);
}

asio::awaitable<result<void>> kv2_destroy(client& c, std::string_view mount, std::string_view path,
                                          const std::vector<std::uint64_t>& versions)
{
    call req = versions_call(mount, "destroy", path, versions);
    co_return co_await run(c, req);
}

asio::awaitable<result<json::object>> kv1_read(client& c, std::string_view mount, std::string_view path)
{
    call req;
    req.path = mount_path(mount, "", path);
    co_return co_await fetch(c, req, &decode_kv1_read);
}

asio::awaitable<result<void>> kv1_write(client& c, std::string_view mount, std::string_view path,
                                        const json::object& data)
{
    call req;
    req.method = "POST";
    req.path = mount_path(mount, "", path);
    req.idempotent = true;  // a KV v1 write replaces the whole value: repeating it is harmless
    req.body = to_json(data);
    co_return co_await run(c, req);
}

asio::awaitable<result<std::vector<std::string>>> kv1_list(client& c, std::string_view mount,
                                                           std::string_view folder)
{
    co_return co_await list(c, mount_path(mount, "", folder));
}

asio::awaitable<result<void>> kv1_delete(client& c, std::string_view mount, std::string_view path)
{
    call req;
    req.method = "DELETE";
    req.path = mount_path(mount, "", path);
    co_return co_await run(c, req);
}

}  // namespace vk::vault
