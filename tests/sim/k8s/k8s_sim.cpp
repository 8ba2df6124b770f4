// k8s-sim's HTTP front (see k8s_sim.hpp): probes, authentication, routing of /api/v1/.../secrets and
// /apis/coordination.k8s.io/v1/.../leases to their tables, and the /_sim/k8s/ control routes, and the
// log of API requests served (for tests that derive RBAC rules from it).
#include "k8s_sim.hpp"

#include "lease_wire.hpp"
#include "wire.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

namespace ksim {

namespace asio = boost::asio;
namespace json = boost::json;
using simc::request;
using simc::response;

namespace {

// Path segments of "/api/v1/namespaces/ns/secrets/x" -> {"api","v1","namespaces","ns","secrets","x"}.
std::vector<std::string> segments(const std::string& path)
{
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size())
    {
        auto end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    if (!out.empty() && out.back().empty())
        out.pop_back();
    return out;
}

// Where a path names a collection or an item: {ns ("" = every namespace), name, item}; nullopt when the
// path is not under `prefix` + plural.
struct target
{
    std::string ns;
    std::string name;
    bool item = false;
};

std::optional<target> match(const std::vector<std::string>& seg, const std::vector<std::string>& prefix,
                            const std::string& plural)
{
    const auto n = prefix.size();
    if (seg.size() < n + 1 || !std::equal(prefix.begin(), prefix.end(), seg.begin()))
        return std::nullopt;
    if (seg.size() == n + 1 && seg[n] == plural)
        return target{};
    if (seg.size() < n + 3 || seg.size() > n + 4 || seg[n] != "namespaces" || seg[n + 1].empty() ||
        seg[n + 2] != plural)
        return std::nullopt;
    return target{seg[n + 1], seg.size() == n + 4 ? seg[n + 3] : "", seg.size() == n + 4};
}

}  // namespace

sim::sim(options opts, secret_store::stamper stamp)
    : opts_(std::move(opts)),
      initial_token_(opts_.token),
      secrets_(opts_.data_dir, stamp),
      leases_(opts_.data_dir, stamp)
{
}

asio::awaitable<response> sim::handle(request& req)
{
    co_return answer(req);
}

response sim::answer(const request& req)
{
    // The API server answers health and version probes without credentials (system:public-info-viewer).
    if (req.path == "/healthz" || req.path == "/readyz" || req.path == "/livez")
        return simc::text_response(200, "ok");
    if (req.path == "/version")
        return object_response(200, {{"major", "1"},
                                     {"minor", "29"},
                                     {"gitVersion", "v1.29.0-k8s-sim"},
                                     {"platform", "linux/amd64"}});
    if (!authorised(req))
        return status_response({401, "Unauthorized", "Unauthorized", ""});
    record(req);
    // Pretending to honour a dry run would write what the client meant only to check.
    if (req.has_param("dryRun"))
        return status_response(bad_request("k8s-sim does not support dryRun"));
    const auto seg = segments(req.path);
    if (auto t = match(seg, {"api", "v1"}, "secrets"))
        return secrets_.serve(req, t->ns, t->name, t->item);
    if (auto t = match(seg, {"apis", "coordination.k8s.io", "v1"}, "leases"))
        return leases_.serve(req, t->ns, t->name, t->item);
    return status_response(unknown_resource());
}

bool sim::authorised(const request& req) const
{
    const auto auth = req.header("Authorization");
    return !opts_.token.empty() && auth.size() > 7 && auth.substr(0, 7) == "Bearer " &&
           auth.substr(7) == opts_.token;
}

void sim::record(const request& req)
{
    ++requests_[req.method + " " + req.path + (req.has_param("watch") ? "?watch" : "")];
}

void sim::add_control_routes(simc::server& srv)
{
    srv.add_control_route("GET", "/_sim/k8s/state", [this](request&) -> asio::awaitable<response> {
        co_return simc::json_response(
            200, json::object{{"resourceVersion", std::to_string(store().revision())},
                              {"secrets", store().size()},
                              {"leasesResourceVersion", std::to_string(leases().revision())},
                              {"leases", leases().size()}});
    });
    // The leases as a LeaseList (every namespace), for tests to look at without a client.
    srv.add_control_route("GET", "/_sim/k8s/leases", [this](request&) -> asio::awaitable<response> {
        co_return simc::json_response(200, list_json(leases().list("", {}), leases().revision()));
    });
    // {"GET /api/v1/namespaces/vault/secrets": 3, ...}: every authenticated API request since start (or the
    // last reset) by method and path, "?watch" appended to watches: what a Role must allow.
    srv.add_control_route("GET", "/_sim/k8s/requests", [this](request&) -> asio::awaitable<response> {
        json::object out;
        for (const auto& [key, n] : requests_)
            out[key] = n;
        co_return simc::json_response(200, out);
    });
    // {"token":"new"}: the accepted token rotates, as a projected service-account token does.
    srv.add_control_route("POST", "/_sim/k8s/token", [this](request& req) -> asio::awaitable<response> {
        auto doc = simc::parse_json(req.body);
        if (!doc || !doc->is_object() || !doc->as_object().contains("token") ||
            !doc->as_object().at("token").is_string())
            co_return simc::text_response(400, "expected {\"token\":\"...\"}");
        opts_.token = doc->as_object().at("token").as_string();
        co_return simc::json_response(200, json::object{{"ok", true}});
    });
    // Empties both tables; resourceVersions keep growing.
    srv.add_control_route("POST", "/_sim/k8s/clear", [this](request&) -> asio::awaitable<response> {
        secrets_.clear();
        leases_.clear();
        co_return simc::json_response(200, json::object{{"ok", true}});
    });
    srv.on_reset([this] {
        opts_.token = initial_token_;
        leases_.clear();
        requests_.clear();
    });
}

}  // namespace ksim
