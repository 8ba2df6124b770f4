// k8s-sim's HTTP front (see k8s_sim.hpp): routing of /api/v1/.../secrets, authentication, selectors, Status
// answers, and the /_sim/k8s/ control routes.
#include "k8s_sim.hpp"

#include "label_selector.hpp"
#include "persist.hpp"
#include "wire.hpp"

#include <boost/json/serialize.hpp>
#include <random>
#include <stdexcept>

namespace ksim {

namespace asio = boost::asio;
namespace json = boost::json;
using simc::request;
using simc::response;

response status_response(const status& st)
{
    auto res = simc::json_response(st.code, status_json(st));
    res.set("Cache-Control", "no-cache, private");
    return res;
}

namespace {

response object_response(unsigned code, json::object body)
{
    auto res = simc::json_response(code, body);
    res.set("Cache-Control", "no-cache, private");
    return res;
}

status unknown_resource()
{
    return {404, "NotFound", "the server could not find the requested resource", ""};
}

status method_not_allowed()
{
    return {405, "MethodNotAllowed", "the server does not allow this method on the requested resource", ""};
}

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

// The generateName suffix: five characters of the API server's alphabet (no vowels, no confusables).
std::string random_suffix()
{
    static std::mt19937 rng{std::random_device{}()};
    static const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < 5; ++i)
        s += alphabet[rng() % alphabet.size()];
    return s;
}

// A fieldSelector over the fields the API server indexes for Secrets; nullopt + error for others.
std::optional<label_selector> field_selector(const request& req, std::string& error)
{
    const auto* text = req.param("fieldSelector");
    auto sel = label_selector::parse(text ? *text : "", error);
    if (!sel)
        return std::nullopt;
    for (const auto& key : sel->keys())
        if (key != "metadata.name" && key != "metadata.namespace" && key != "type")
        {
            error = "field label not supported: " + key;
            return std::nullopt;
        }
    return sel;
}

// The API server decodes a body by its Content-Type (none means JSON); k8s-sim speaks JSON only.
bool json_body(const request& req)
{
    const auto type = req.header("Content-Type");
    return type.empty() || type.substr(0, type.find(';')) == "application/json";
}

status unsupported_media_type()
{
    return {
        415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, "
        "application/yaml, application/vnd.kubernetes.protobuf",
        ""};
}

}  // namespace

sim::sim(options opts, secret_store::stamper stamp)
    : opts_(std::move(opts)),
      initial_token_(opts_.token),
      store_(std::move(stamp))
{
    std::string error;
    if (!opts_.data_dir.empty() && !load_state_file(opts_.data_dir, store_, error))
        throw std::runtime_error(opts_.data_dir + "/secrets.json: " + error);
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
    // Pretending to honour a dry run would write what the client meant only to check.
    if (req.has_param("dryRun"))
        return status_response(bad_request("k8s-sim does not support dryRun"));
    const auto seg = segments(req.path);
    if (seg.size() == 3 && seg[0] == "api" && seg[1] == "v1" && seg[2] == "secrets")
        return req.method == "GET" ? list(req, "") : status_response(method_not_allowed());
    if (seg.size() < 5 || seg.size() > 6 || seg[0] != "api" || seg[1] != "v1" || seg[2] != "namespaces" ||
        seg[4] != "secrets" || seg[3].empty())
        return status_response(unknown_resource());
    return resource(req, seg[3], seg.size() == 6 ? seg[5] : "", seg.size() == 6);
}

response sim::resource(const request& req, const std::string& ns, const std::string& name, bool item)
{
    const auto& m = req.method;
    if (!req.body.empty() && !json_body(req))
        return status_response(unsupported_media_type());
    if (!item && m == "GET")
        return list(req, ns);
    if (!item && m == "POST")
        return create(req, ns);
    if (item && m == "GET")
        return read(ns, name);
    if (item && m == "PUT")
        return replace(req, ns, name);
    if (item && m == "DELETE")
        return remove(req, ns, name);
    return status_response(method_not_allowed());
}

bool sim::authorised(const request& req) const
{
    const auto auth = req.header("Authorization");
    return !opts_.token.empty() && auth.size() > 7 && auth.substr(0, 7) == "Bearer " &&
           auth.substr(7) == opts_.token;
}

response sim::list(const request& req, const std::string& ns)
{
    std::string error;
    const auto* text = req.param("labelSelector");
    auto labels = label_selector::parse(text ? *text : "", error);
    if (!labels)
        return status_response(bad_request(error));
    auto fields = field_selector(req, error);
    if (!fields)
        return status_response(bad_request(error));
    auto items = store_.list(ns, [&](const secret& s) {
        return labels->matches(s.labels) &&
               fields->matches({{"metadata.name", s.name}, {"metadata.namespace", s.ns}, {"type", s.type}});
    });
    return object_response(200, secret_list_json(items, store_.revision()));
}

response sim::create(const request& req, const std::string& ns)
{
    auto decoded = decode_secret(req.body, ns);
    if (auto* st = std::get_if<status>(&decoded))
        return status_response(*st);
    auto& d = std::get<decoded_secret>(decoded);
    if (d.resource_version)
        return status_response(
            {500, "InternalError", "resourceVersion should not be set on objects to be created", ""});
    if (d.object.name.empty() && !d.generate_name.empty())
        d.object.name = d.generate_name + random_suffix();
    auto created = store_.create(std::move(d.object));
    if (auto* st = std::get_if<status>(&created))
        return status_response(*st);
    persist();
    return object_response(201, secret_json(std::get<secret>(created)));
}

response sim::read(const std::string& ns, const std::string& name)
{
    const auto* s = store_.get(ns, name);
    return s ? object_response(200, secret_json(*s)) : status_response(not_found(name));
}

response sim::replace(const request& req, const std::string& ns, const std::string& name)
{
    auto decoded = decode_secret(req.body, ns);
    if (auto* st = std::get_if<status>(&decoded))
        return status_response(*st);
    auto& d = std::get<decoded_secret>(decoded);
    if (d.object.name != name)
        return status_response(bad_request("the name of the object (" + d.object.name +
                                           ") does not match the name on the URL (" + name + ")"));
    const auto before = store_.revision();
    auto updated = store_.replace(std::move(d.object), d.resource_version);
    if (auto* st = std::get_if<status>(&updated))
        return status_response(*st);
    if (store_.revision() != before)
        persist();
    return object_response(200, secret_json(std::get<secret>(updated)));
}

response sim::remove(const request& req, const std::string& ns, const std::string& name)
{
    auto pre = decode_delete_preconditions(req.body);
    if (auto* st = std::get_if<status>(&pre))
        return status_response(*st);
    auto removed = store_.remove(ns, name, std::get<std::optional<std::string>>(pre));
    if (auto* st = std::get_if<status>(&removed))
        return status_response(*st);
    persist();
    return object_response(200, deleted_json(std::get<secret>(removed)));
}

void sim::persist()
{
    // A sim that cannot write its state must not pretend it did: fail loudly.
    if (!opts_.data_dir.empty() && !save_state_file(opts_.data_dir, store_))
        throw std::runtime_error("cannot write " + opts_.data_dir + "/secrets.json");
}

void sim::add_control_routes(simc::server& srv)
{
    srv.add_control_route("GET", "/_sim/k8s/state", [this](request&) -> asio::awaitable<response> {
        co_return simc::json_response(
            200,
            json::object{{"resourceVersion", std::to_string(store_.revision())}, {"secrets", store_.size()}});
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
    // Empties the table; resourceVersions keep growing.
    srv.add_control_route("POST", "/_sim/k8s/clear", [this](request&) -> asio::awaitable<response> {
        store_.clear();
        persist();
        co_return simc::json_response(200, json::object{{"ok", true}});
    });
    srv.on_reset([this] { opts_.token = initial_token_; });
}

}  // namespace ksim
