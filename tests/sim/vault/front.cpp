// Routing of /v1/ requests on one node (http/handler.go, http/logical.go semantics).
#include "front.hpp"

#include <boost/url/decode_view.hpp>

#include <chrono>

#include "restore_upload.hpp"
#include "sys_common.hpp"
#include "vault_json.hpp"

namespace vsim {
namespace json = boost::json;

namespace {
constexpr std::size_t max_request_size = 32u << 20;

using sys_fn = simc::response (*)(sys_call&);

struct route
{
    std::string_view path;
    sys_fn fn;
};

// Answered by the node that received them, sealed or not.
constexpr route local_routes[] = {
    {"sys/init", handle_init},
    {"sys/seal-status", handle_seal_status},
    {"sys/unseal", handle_unseal},
    {"sys/health", handle_health},
    {"sys/leader", handle_leader},
    {"sys/seal", handle_seal},
    {"sys/storage/raft/join", handle_raft_join},
};

simc::response restore_normal(sys_call& c)
{
    return handle_raft_snapshot(c);
}
simc::response restore_force(sys_call& c)
{
    return handle_raft_restore(c, true);
}

// Need an unsealed node and run on the active one (standbys forward them).
constexpr route active_routes[] = {
    {"sys/step-down", handle_step_down},
    {"sys/rekey/init", handle_rekey_init},
    {"sys/rekey/update", handle_rekey_update},
    {"sys/rekey/verify", handle_rekey_verify},
    {"sys/storage/raft/configuration", handle_raft_configuration},
    {"sys/ha-status", handle_ha_status},
    {"sys/storage/raft/snapshot", restore_normal},
    {"sys/storage/raft/snapshot-force", restore_force},
};

// Standbys redirect these even when forwarding works (alwaysRedirectPaths).
bool always_redirect(std::string_view path)
{
    return path == "sys/storage/raft/snapshot" || path == "sys/storage/raft/snapshot-force";
}

sys_fn find(const auto& table, std::string_view path)
{
    for (const auto& r : table)
        if (r.path == path)
            return r.fn;
    return nullptr;
}

std::string token_of(const simc::request& req)
{
    if (auto t = req.header("X-Vault-Token"); !t.empty())
        return std::string(t);
    const auto auth = req.header("Authorization");
    if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer "))
        return std::string(auth.substr(7));
    return {};
}

std::string url_decode(std::string_view s)
{
    std::string plus(s);
    std::replace(plus.begin(), plus.end(), '+', ' ');
    try
    {
        boost::urls::decode_view view(plus);
        return std::string(view.begin(), view.end());
    }
    catch (const std::exception&)
    {
        return plus;
    }
}

json::object parse_form(std::string_view body)
{
    json::object out;
    while (!body.empty())
    {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        const auto key = url_decode(pair.substr(0, eq));
        if (!key.empty() && !out.contains(key))
            out[key] = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    }
    return out;
}

// Body as Vault's parseJSONRequest / parseFormRequest would see it; nullopt when the JSON is invalid.
std::optional<json::value> logical_body(const simc::request& req)
{
    const auto first = req.body.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return json::value(nullptr);
    const bool json_like = req.body[first] == '{' || req.body[first] == '[';
    if (!json_like && req.header("Content-Type").starts_with("application/x-www-form-urlencoded"))
        return json::value(parse_form(req.body));
    return simc::parse_json(req.body);
}

simc::response render(const response& r)
{
    simc::response res;
    res.status = r.status;
    if (r.raw)
        res.body = *r.raw;
    else if (r.body)
        res.body = json::serialize(*r.body);
    if (!r.raw)
        res.set("Content-Type", "application/json");
    for (const auto& [k, v] : r.headers)
        res.set(k, v);
    return res;
}

simc::response logical_call(cluster& vault, const simc::request& req, std::string path, std::string token)
{
    request lr;
    const auto& m = req.method;
    if (m == "GET" || m == "HEAD")
        lr.op = "read";
    else if (m == "LIST")
        lr.op = "list";
    else if (m == "POST" || m == "PUT")
        lr.op = "update";
    else if (m == "PATCH")
        lr.op = "patch";
    else if (m == "DELETE")
        lr.op = "delete";
    else if (m == "OPTIONS")
        return sys_no_content();
    else
        return method_not_allowed();
    if (lr.op == "patch")
    {
        // mime.ParseMediaType: no header is a 400; any other type a 415.
        const auto type =
            std::string(req.header("Content-Type").substr(0, req.header("Content-Type").find(';')));
        if (type.empty())
            return vault_error(400, "mime: no media type");
        if (type != "application/merge-patch+json")
            return vault_error(415, "PATCH requires Content-Type of application/merge-patch+json, got \"" +
                                        type + "\"");
    }
    for (const auto& [k, v] : req.query)
        lr.query.emplace(k, v);
    if (const auto* list = req.param("list"); list && m == "GET")
    {
        const auto flag = parse_go_bool(*list);
        if (!flag)
            return simc::json_errors(400, {});
        lr.query.erase("list");
        if (*flag)
            lr.op = "list";
    }
    if (lr.op == "list" && !path.ends_with('/'))
        path += '/';
    auto body = logical_body(req);
    if (!body)
        return bad_json();
    lr.body = std::move(*body);
    lr.path = std::move(path);
    lr.token = std::move(token);
    lr.content_type = std::string(req.header("Content-Type"));
    return render(vault.logic().handle(lr, vault.now()));
}

simc::response redirect_to_active(cluster& vault, const simc::request& req)
{
    simc::response res;
    res.status = 307;
    res.set("Location", vault.api_addr(*vault.active()) + req.target);
    return res;
}

simc::response dispatch(cluster& vault, std::size_t node, const simc::request& req, snapshot_result* upload)
{
    if (!req.path.starts_with("/v1/"))
        return simc::text_response(404, "404 page not found\n");  // Go's http.NotFound
    const std::string path = req.path.substr(4);
    if (req.body.size() > max_request_size && !always_redirect(path))
        return vault_error(413, "http: request body too large");
    if (auto fn = find(local_routes, path))
    {
        sys_call c{vault, node, req, token_of(req)};
        return fn(c);
    }
    if (vault.node(node).sealed)
        return sealed_error();
    if (!vault.active())
        return vault_error(503, "no active Vault instance found");
    std::size_t serving = node;
    if (vault.active() != node)
    {
        if (always_redirect(path) || !req.header("X-Vault-No-Request-Forwarding").empty())
            return redirect_to_active(vault, req);
        serving = *vault.active();  // request forwarding: the active node answers, transparently
    }
    if (auto fn = find(active_routes, path))
    {
        sys_call c{vault, serving, req, token_of(req), upload};
        return fn(c);
    }
    return logical_call(vault, req, path, token_of(req));
}
}  // namespace

simc::response handle_vault_request(cluster& vault, std::size_t node, const simc::request& req,
                                    snapshot_result* upload)
{
    if (auto token = token_of(req); !token.empty() && req.path.starts_with("/v1/"))
        vault.last_token_sha256 = sha256_hex(token);
    if (req.path.starts_with("/v1/"))
        ++vault.request_counts[req.method + " " + req.path];
    auto res = dispatch(vault, node, req, upload);
    // Go's net/http drops the body of a 204/304 (e.g. sys/health?activecode=204); Beast would refuse it.
    if (res.status == 204 || res.status == 304)
        res.body.clear();
    res.set("Cache-Control", "no-store");
    if (auto ns = req.header("X-Vault-Namespace"); !ns.empty())
        res.set("X-Vault-Namespace", std::string(ns));
    return res;
}

void add_request_log_route(simc::server& srv, cluster& vault)
{
    srv.add_control_route(
        "GET", "/_sim/vault/last-token", [&vault](simc::request&) -> boost::asio::awaitable<simc::response> {
            co_return simc::json_response(200, json::object{{"sha256", vault.last_token_sha256}});
        });
    srv.add_control_route(
        "GET", "/_sim/vault/requests",
        [&vault](simc::request& req) -> boost::asio::awaitable<simc::response> {
            const auto* prefix = req.param("prefix");
            json::object counts;
            for (const auto& [key, n] : vault.request_counts)
                if (!prefix || key.find(*prefix) != std::string::npos)
                    counts[key] = n;
            co_return simc::json_response(200, json::object{{"requests", std::move(counts)}});
        });
}

simc::handler make_node_handler(cluster& vault, std::size_t node)
{
    return [&vault, node](simc::request& req) -> boost::asio::awaitable<simc::response> {
        if (!req.body_stream)
            co_return handle_vault_request(vault, node, req);
        // A restore: the whole archive is read and checked first, then routed like any request.
        auto upload = co_await read_restore_upload(req.body_stream);
        if (!upload)
        {
            simc::response hang_up;  // the client is gone: nothing restored, nobody to answer
            hang_up.status = 0;
            co_return hang_up;
        }
        co_return handle_vault_request(vault, node, req, &*upload);
    };
}

}  // namespace vsim
