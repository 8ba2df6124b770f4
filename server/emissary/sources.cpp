// One fetch per source type; each maps "absent" to fetched{present=false}.
#include "emissary/sources.hpp"

#include "core/read_file.hpp"

#include "consul/model/codec.hpp"
#include "emissary/model/lease_wire.hpp"
#include "vault/errors.hpp"
#include "vault/kv.hpp"

#include <cstdlib>

namespace vk::emissary {
namespace asio = boost::asio;

// A dynamic engine (database/creds/x, aws/creds/y): GET the path as is (below the source's mount when one is
// set), kept whole with its lease.
asio::awaitable<result<fetched>> from_dynamic(source_clients& s, const std::string& path)
{
    vault::call req;
    req.path = vault::encode_path(s.cfg.mount.empty() ? path : s.cfg.mount + "/" + path);
    auto r = co_await s.vault->send(req);
    if (!r)
        co_return r.error();
    if (r->status == 404)
        co_return fetched{};
    if (r->status < 200 || r->status > 299)
        co_return vault::reply_error(r->status, r->body, s.vault->endpoint(), req.path);
    auto f = decode_leased(r->body);
    if (!f)
        co_return s.vault->located(f.error(), req.path);
    co_return std::move(*f);
}

namespace {

asio::awaitable<result<fetched>> from_vault(source_clients& s, const std::string& path)
{
    if (auto t = co_await ensure_started(s); !t)
        co_return t.error();
    if (s.cfg.engine == vault_engine::dynamic)
        co_return co_await from_dynamic(s, path);
    auto [mount, inner] = vault_mount_and_path(s.cfg, path);
    if (s.cfg.kv_version == 1)
    {
        auto r = co_await vault::kv1_read(*s.vault, mount, inner);
        if (!r && r.error().code == errc::not_found)
            co_return fetched{};
        if (!r)
            co_return r.error();
        co_return fetched{true, boost::json::value(std::move(*r))};
    }
    auto r = co_await vault::kv2_read(*s.vault, mount, inner);
    if (!r && r.error().code == errc::not_found)
        co_return fetched{};
    if (!r)
        co_return r.error();
    if (r->deleted)
        co_return fetched{};
    co_return fetched{true, boost::json::value(std::move(r->data)), r->meta.version};
}

asio::awaitable<result<fetched>> from_consul(source_clients& s, const std::string& key)
{
    auto r = co_await s.consul->get(key);
    if (!r)
        co_return r.error();
    if (!r->value)
        co_return fetched{};
    co_return fetched{true, boost::json::value(r->value->value)};
}

asio::awaitable<result<fetched>> vault_names(source_clients& s, const std::string& folder)
{
    if (auto t = co_await ensure_started(s); !t)
        co_return t.error();
    auto [mount, inner] = vault_mount_and_path(s.cfg, folder);
    result<std::vector<std::string>> r = std::vector<std::string>{};
    if (s.cfg.kv_version == 1)
        r = co_await vault::kv1_list(*s.vault, mount, inner);
    else
        r = co_await vault::kv2_list(*s.vault, mount, inner);
    if (!r)
        co_return r.error();
    boost::json::array names;
    for (auto& n : *r)
        names.emplace_back(std::move(n));
    co_return fetched{true, boost::json::value(std::move(names))};
}

asio::awaitable<result<fetched>> consul_tree(source_clients& s, const std::string& prefix)
{
    auto r = co_await s.consul->get_recurse(prefix);
    if (!r)
        co_return r.error();
    co_return listing_of(r->value);
}

result<fetched> from_file(const source_clients& s, const std::string& path)
{
    const std::string full = s.cfg.root + (s.cfg.root.ends_with('/') ? "" : "/") + path;
    auto text = read_file(full);
    if (!text)
        return fetched{};  // not there (yet); an unreadable file looks the same and keeps being polled
    return fetched{true, boost::json::value(*text)};
}

result<fetched> from_env(const std::string& name)
{
    const char* v = std::getenv(name.c_str());
    if (!v)
        return fetched{};
    return fetched{true, boost::json::value(v)};
}

asio::awaitable<result<fetched>> from_http(source_clients& s, const std::string& path)
{
    http::client_request req;
    req.target = s.http_prefix + path;
    auto r = co_await s.http->send(req);
    if (!r)
        co_return r.error();
    if (r->status == 404)
        co_return fetched{};
    if (r->status < 200 || r->status > 299)
        co_return consul::map_error(r->status, "", req.target);  // the same status -> errc mapping
    co_return fetched{true, boost::json::value(std::move(r->body))};
}

}  // namespace

asio::awaitable<result<void>> ensure_started(source_clients& s)
{
    if (!s.vault_started)
    {
        auto t = co_await s.vault->start();
        if (!t)
            co_return t.error();
        s.vault_started = true;
    }
    co_return result<void>{};
}

std::pair<std::string, std::string> vault_mount_and_path(const source_config& s, const std::string& path)
{
    if (!s.mount.empty())
        return {s.mount, path};
    auto slash = path.find('/');
    if (slash == std::string::npos)
        return {path, ""};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

result<std::map<std::string, source_clients>>
make_sources(asio::any_io_executor ex, const vk::config& cfg,
             const std::map<std::string, source_config>& sources)
{
    std::map<std::string, source_clients> out;
    for (const auto& [name, sc] : sources)
    {
        source_clients c;
        c.cfg = sc;
        if (sc.type == source_type::vault)
        {
            auto v = vault::client::create(ex, cfg.vaults.at(sc.vault));
            if (!v)
                return make_error(v.error().code, "source " + name + ": " + v.error().message);
            c.vault = std::move(*v);
        }
        if (sc.type == source_type::consul)
        {
            auto k = consul::client::create(ex, cfg.consuls.at(sc.consul));
            if (!k)
                return make_error(k.error().code, "source " + name + ": " + k.error().message);
            c.consul = std::move(*k);
        }
        if (sc.type == source_type::http)
        {
            auto scheme_end = sc.base_url.find("://") + 3;
            auto slash = sc.base_url.find('/', scheme_end);
            http::client_params p;
            p.base_url = sc.base_url.substr(0, slash);
            c.http_prefix = slash == std::string::npos ? "/" : sc.base_url.substr(slash);
            if (!c.http_prefix.ends_with('/'))
                c.http_prefix += '/';
            auto h = http::client::create(ex, std::move(p));
            if (!h)
                return make_error(h.error().code, "source " + name + ": " + h.error().message);
            c.http = std::move(*h);
        }
        out.emplace(name, std::move(c));
    }
    return out;
}

asio::awaitable<result<fetched>> fetch(source_clients& s, const std::string& path)
{
    switch (s.cfg.type)
    {
    case source_type::vault: co_return co_await from_vault(s, path);
    case source_type::consul: co_return co_await from_consul(s, path);
    case source_type::file: co_return from_file(s, path);
    case source_type::env: co_return from_env(path);
    case source_type::http: co_return co_await from_http(s, path);
    }
    co_return make_error(errc::internal, "unknown source type");
}

asio::awaitable<result<fetched>> fetch(source_clients& s, const dependency& d)
{
    // The config check refused listings on other source types.
    if (d.kind == dep_kind::tree && s.consul)
        co_return co_await consul_tree(s, d.path);
    if (d.kind == dep_kind::secrets && s.vault)
        co_return co_await vault_names(s, d.path);
    if (d.kind != dep_kind::value)
        co_return make_error(errc::invalid_argument, "a listing needs a consul or vault source", {}, d.path);
    co_return co_await fetch(s, d.path);
}

fetched listing_of(const std::vector<consul::kv_entry>& entries)
{
    std::vector<std::pair<std::string, std::string>> kv;
    kv.reserve(entries.size());
    for (const auto& e : entries)
        kv.emplace_back(e.key, e.value);
    return fetched{true, consul_listing(kv)};
}

}  // namespace vk::emissary
