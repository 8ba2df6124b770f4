// cloud-sim's Azure handlers and control routes (see azure_sim.hpp).
#include "azure_sim.hpp"

#include "cloud_sim.hpp"
#include "common/util.hpp"

#include <boost/json.hpp>

namespace csim {
namespace {

namespace json = boost::json;

constexpr std::string_view storage_resource = "https://storage.azure.com/";
constexpr std::string_view imds_path = "/metadata/identity/oauth2/token";
constexpr std::string_view token_suffix = "/oauth2/v2.0/token";

long long epoch(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string base64url(std::string_view data)
{
    auto s = simc::base64_encode(data);
    for (auto& c : s)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (s.ends_with('='))
        s.pop_back();
    return s;
}

// The Microsoft identity platform's error shape (IMDS answers the first two fields only).
simc::response aad_error(unsigned status, std::string error, std::string description, int code = 0)
{
    json::object body{{"error", std::move(error)}, {"error_description", std::move(description)}};
    if (code)
    {
        body["error_codes"] = json::array{code};
        body["timestamp"] = "2026-01-01 00:00:00Z";
        body["trace_id"] = "00000000-0000-4000-8000-000000000001";
        body["correlation_id"] = "00000000-0000-4000-8000-000000000002";
        body["error_uri"] = "https://login.microsoftonline.com/error?code=" + std::to_string(code);
    }
    return simc::json_response(status, body);
}

std::string field(const std::map<std::string, std::string>& form, const char* key)
{
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
}

}  // namespace

azure_sim::azure_sim(azure_options opts, clock_fn now)
    : opts_(opts),
      initial_(std::move(opts)),
      now_(now ? std::move(now) : clock_fn([] { return std::chrono::system_clock::now(); }))
{
}

std::chrono::system_clock::time_point azure_sim::clock() const
{
    return now_() + opts_.clock_offset;
}

std::optional<simc::response> azure_sim::answer(const simc::request& req)
{
    auto r = route(req);
    if (r)
        r->set("Date", http_date(clock()));
    return r;
}

std::optional<simc::response> azure_sim::route(const simc::request& req)
{
    if (req.path == imds_path)
        return req.method == "GET" ? imds(req) : aad_error(405, "unsupported_method", "Method not allowed");
    if (req.path.ends_with(token_suffix) && req.path.size() > token_suffix.size() + 1)
    {
        auto tenant = req.path.substr(1, req.path.size() - token_suffix.size() - 1);
        if (tenant.find('/') != std::string::npos)
            return std::nullopt;
        if (req.method != "POST")
            return aad_error(405, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests.",
                             900561);
        return token(req, tenant);
    }
    return std::nullopt;
}

// An unsigned JWT with the claims azurite's basic OAuth check reads; the times are on the real clock (the
// resource checks them against its own), `uti` tells the tokens apart.
std::string azure_sim::issue(const std::string& source, const std::string& client_id)
{
    auto now = epoch(now_());
    json::object header{{"typ", "JWT"}, {"alg", "RS256"}, {"kid", "cloud-sim"}};
    json::object claims{{"aud", "https://storage.azure.com"},
                        {"iss", "https://sts.windows.net/" + opts_.tenant_id + "/"},
                        {"iat", now - 5},
                        {"nbf", now - 5},
                        {"exp", now + opts_.ttl.count()},
                        {"appid", client_id.empty() ? "system-assigned" : client_id},
                        {"tid", opts_.tenant_id},
                        {"idtyp", "app"},
                        {"uti", source + "-" + std::to_string(issued_.size() + 1)},
                        {"ver", "1.0"}};
    auto token = base64url(json::serialize(header)) + "." + base64url(json::serialize(claims)) + "." +
                 base64url("cloud-sim signature " + std::to_string(issued_.size() + 1));
    issued_.push_back({source, client_id, token});
    return token;
}

// IMDS as "How to use managed identities ... to acquire an access token" documents it: Metadata: true,
// api-version, resource; client_id for a user-assigned identity; every number in the answer a string.
simc::response azure_sim::imds(const simc::request& req)
{
    if (req.header("Metadata") != "true")
        return aad_error(400, "bad_request_102", "Required metadata header not specified");
    if (!req.param("api-version"))
        return aad_error(400, "invalid_request", "Required query variable 'api-version' is missing");
    auto* resource = req.param("resource");
    if (!resource || (*resource != storage_resource && *resource + "/" != storage_resource))
        return aad_error(400, "invalid_resource",
                         "AADSTS50001: The application named " + (resource ? *resource : std::string()) +
                             " was not found in the tenant named " + opts_.tenant_id + ".");
    std::string client_id;
    if (auto* id = req.param("client_id"))
    {
        if (opts_.user_assigned_client_id.empty() || *id != opts_.user_assigned_client_id)
            return aad_error(400, "invalid_request", "Identity not found");
        client_id = *id;
    }
    auto expires_on = epoch(clock()) + opts_.ttl.count();
    auto ttl = std::to_string(opts_.ttl.count());
    return simc::json_response(200,
                               json::object{{"access_token", issue("imds", client_id)},
                                            {"client_id", client_id.empty() ? "system-assigned" : client_id},
                                            {"expires_in", ttl},
                                            {"expires_on", std::to_string(expires_on)},
                                            {"ext_expires_in", ttl},
                                            {"not_before", std::to_string(epoch(clock()) - 5)},
                                            {"resource", *resource},
                                            {"token_type", "Bearer"}});
}

// The v2 token endpoint's client credentials grant with a client assertion ("Microsoft identity platform
// and the OAuth 2.0 client credentials flow", second case: a certificate / federated credential).
simc::response azure_sim::token(const simc::request& req, const std::string& tenant)
{
    if (tenant != opts_.tenant_id)
        return aad_error(400, "invalid_tenant", "AADSTS90002: Tenant '" + tenant + "' not found.", 90002);
    auto form = parse_form(req.body);
    if (field(form, "grant_type") != "client_credentials")
        return aad_error(400, "unsupported_grant_type",
                         "AADSTS70003: The app requested an unsupported grant type.", 70003);
    if (field(form, "client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" ||
        field(form, "client_assertion").empty())
        return aad_error(401, "invalid_client",
                         "AADSTS7000218: The request body must contain the following parameter: "
                         "'client_assertion' or 'client_secret'.",
                         7000218);
    if (field(form, "client_id") != opts_.client_id)
        return aad_error(400, "unauthorized_client",
                         "AADSTS700016: Application with identifier '" + field(form, "client_id") +
                             "' was not found in the directory '" + tenant + "'.",
                         700016);
    if (!opts_.federated_token.empty() && field(form, "client_assertion") != opts_.federated_token)
        return aad_error(400, "invalid_client",
                         "AADSTS70021: No matching federated identity record found for presented assertion.",
                         70021);
    if (field(form, "scope") != std::string(storage_resource) + ".default")
        return aad_error(400, "invalid_scope",
                         "AADSTS1002012: The provided value for scope " + field(form, "scope") +
                             " is not valid. Client credential flows must have a scope value with /.default "
                             "suffixed to the resource identifier.",
                         1002012);
    return simc::json_response(200, json::object{{"token_type", "Bearer"},
                                                 {"expires_in", opts_.ttl.count()},
                                                 {"ext_expires_in", opts_.ttl.count()},
                                                 {"access_token", issue("workload", opts_.client_id)}});
}

void azure_sim::add_control_routes(simc::server& srv)
{
    srv.add_control_route(
        "POST", "/_sim/cloud/azure/config",
        [this](simc::request& req) -> boost::asio::awaitable<simc::response> {
            auto v = simc::parse_json(req.body);
            if (!v || !v->is_object())
                co_return simc::text_response(400, "a JSON object is required");
            const auto& o = v->as_object();
            read_timing(o, opts_.ttl, opts_.clock_offset);
            for (auto [key, value] :
                 {std::pair{"tenant_id", &opts_.tenant_id}, std::pair{"client_id", &opts_.client_id},
                  std::pair{"federated_token", &opts_.federated_token},
                  std::pair{"user_assigned_client_id", &opts_.user_assigned_client_id}})
                if (auto* s = o.if_contains(key); s && s->is_string())
                    *value = std::string(s->as_string());
            co_return simc::json_response(200, json::object{{"ttl_seconds", opts_.ttl.count()}});
        });
    srv.add_control_route(
        "GET", "/_sim/cloud/azure/state", [this](simc::request&) -> boost::asio::awaitable<simc::response> {
            json::array issued;
            for (const auto& i : issued_)
                issued.push_back(json::object{
                    {"source", i.source}, {"client_id", i.client_id}, {"access_token", i.access_token}});
            co_return simc::json_response(
                200, json::object{{"ttl_seconds", opts_.ttl.count()}, {"issued", std::move(issued)}});
        });
    srv.on_reset([this] {
        opts_ = initial_;
        issued_.clear();
    });
}

}  // namespace csim
