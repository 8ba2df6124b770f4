// cloud-sim's handlers and control routes (see cloud_sim.hpp).
#include "cloud_sim.hpp"

#include <boost/json.hpp>
#include <boost/url/url.hpp>
#include <ctime>

namespace csim {
namespace {

namespace json = boost::json;

constexpr const char* sts_ns = "https://sts.amazonaws.com/doc/2011-06-15/";

std::string iso8601(std::chrono::system_clock::time_point t)
{
    auto secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

simc::response xml(unsigned status, std::string body)
{
    simc::response r;
    r.status = status;
    r.body = std::move(body);
    r.set("Content-Type", "text/xml");
    return r;
}

// STS's error shape: Sender faults for the caller's mistakes.
simc::response sts_error(unsigned status, std::string code, std::string message)
{
    return xml(status, "<ErrorResponse xmlns=\"" + std::string(sts_ns) +
                           "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message +
                           "</Message></Error><RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId>"
                           "</ErrorResponse>");
}

std::string tag(const std::string& source)
{
    if (source == "web-identity")
        return "WEBID";
    if (source == "assume-role")
        return "ROLE";
    if (source == "imds")
        return "IMDS";
    return "CTR";
}

}  // namespace

std::map<std::string, std::string> parse_form(std::string_view body)
{
    // A form body is a query string: Boost.URL decodes it ('+' as a space, the first occurrence kept).
    std::map<std::string, std::string> out;
    boost::urls::url u;
    try
    {
        u.set_encoded_query(body);
    }
    catch (const std::exception&)
    {
        return out;
    }
    for (auto p : u.params())
        out.emplace(p.key, p.value);
    return out;
}

std::string sigv4_access_key(std::string_view authorization)
{
    constexpr std::string_view scheme = "AWS4-HMAC-SHA256 ", credential = "Credential=";
    auto at = authorization.find(credential);
    if (!authorization.starts_with(scheme) || at == std::string_view::npos)
        return "";
    auto id = authorization.substr(at + credential.size());
    return std::string(id.substr(0, id.find('/')));
}

sim::sim(options opts, clock_fn now)
    : opts_(opts),
      initial_(std::move(opts)),
      now_(now ? std::move(now) : clock_fn([] { return std::chrono::system_clock::now(); })),
      gcp_(now_)
{
}

boost::asio::awaitable<simc::response> sim::handle(simc::request& req)
{
    co_return answer(req);
}

simc::response sim::answer(const simc::request& req)
{
    if (gcp_sim::serves(req))
        return dated(gcp_.answer(req), gcp_.clock());
    return dated(route(req), clock());
}

simc::response sim::route(const simc::request& req)
{
    if (req.method == "POST" && req.path == "/")
        return sts(req);
    if (req.method == "PUT" && req.path == "/latest/api/token")
        return imds_token(req);
    if (req.path.starts_with("/latest/"))
        return req.method == "GET" ? imds(req) : simc::text_response(405, "method not allowed");
    if (req.method == "GET")
        return container(req);
    return simc::text_response(404, "not found");
}

issued sim::issue(const std::string& source)
{
    issued i{source, "ASIA" + tag(source) + "G" + std::to_string(generation_)};
    issued_.push_back(i);
    return i;
}

std::chrono::system_clock::time_point sim::clock() const
{
    return now_() + opts_.clock_offset;
}

std::string sim::expiration() const
{
    return iso8601(clock() + opts_.ttl);
}

void read_timing(const json::object& o, std::chrono::seconds& ttl, std::chrono::seconds& clock_offset)
{
    if (auto* t = o.if_contains("ttl_seconds"))
        ttl = std::chrono::seconds(t->to_number<long long>());
    if (auto* c = o.if_contains("clock_offset_seconds"))
        clock_offset = std::chrono::seconds(c->to_number<long long>());
}

std::string http_date(std::chrono::system_clock::time_point at)
{
    auto t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

simc::response sim::dated(simc::response r, std::chrono::system_clock::time_point at)
{
    r.set("Date", http_date(at));
    return r;
}

bool sim::known_key(const std::string& id) const
{
    for (const auto& k : opts_.known_access_keys)
        if (k == id)
            return true;
    for (const auto& i : issued_)
        if (i.access_key_id == id)
            return true;
    return false;
}

simc::response sim::sts(const simc::request& req)
{
    auto form = parse_form(req.body);
    if (form["Version"] != "2011-06-15")
        return sts_error(400, "InvalidParameterValue", "Version must be 2011-06-15");
    if (form["Action"] == "AssumeRoleWithWebIdentity")
        return web_identity(form);
    if (form["Action"] == "AssumeRole")
        return assume_role(req, form);
    return sts_error(400, "InvalidAction",
                     "Could not find operation " + form["Action"] + " for version 2011-06-15");
}

namespace {

std::string credentials_xml(const issued& i, const std::string& expiration)
{
    return "<Credentials><AccessKeyId>" + i.access_key_id + "</AccessKeyId><SecretAccessKey>secret-" +
           i.access_key_id + "</SecretAccessKey><SessionToken>token-" + i.access_key_id +
           "</SessionToken><Expiration>" + expiration + "</Expiration></Credentials>";
}

std::string assumed_user(const std::string& role_arn, const std::string& session)
{
    auto role = role_arn.substr(role_arn.rfind('/') + 1);
    return "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/" + role + "/" + session +
           "</Arn><AssumedRoleId>AROACLKWSDQRAOEXAMPLE:" + session + "</AssumedRoleId></AssumedRoleUser>";
}

}  // namespace

simc::response sim::web_identity(const std::map<std::string, std::string>& form)
{
    auto get = [&](const char* k) {
        auto it = form.find(k);
        return it == form.end() ? std::string() : it->second;
    };
    auto token = get("WebIdentityToken"), role = get("RoleArn"), session = get("RoleSessionName");
    if (token.empty() || role.empty() || session.empty())
        return sts_error(400, "MissingParameter",
                         "RoleArn, RoleSessionName and WebIdentityToken are required");
    if (!opts_.web_identity_token.empty() && token != opts_.web_identity_token)
        return sts_error(400, "InvalidIdentityToken", "Couldn't verify the web identity token");
    if (role != opts_.role_arn)
        return sts_error(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    auto i = issue("web-identity");
    return xml(200,
               "<AssumeRoleWithWebIdentityResponse xmlns=\"" + std::string(sts_ns) +
                   "\"><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>system:serviceaccount:"
                   "vault:vaultkeeper</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>" +
                   assumed_user(role, session) + credentials_xml(i, expiration()) +
                   "<Provider>cloud-sim</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata>"
                   "<RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>"
                   "</AssumeRoleWithWebIdentityResponse>");
}

simc::response sim::assume_role(const simc::request& req, const std::map<std::string, std::string>& form)
{
    auto caller = sigv4_access_key(req.header("Authorization"));
    if (caller.empty())
        return sts_error(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
    if (!known_key(caller))
        return sts_error(403, "InvalidClientTokenId",
                         "The security token included in the request is invalid.");
    auto role = form.count("RoleArn") ? form.at("RoleArn") : "";
    auto session = form.count("RoleSessionName") ? form.at("RoleSessionName") : "";
    if (!role.starts_with("arn:aws:iam::") || session.empty())
        return sts_error(400, "ValidationError", "RoleArn and RoleSessionName are required");
    assume_role_callers_.push_back(caller);
    auto i = issue("assume-role");
    return xml(
        200, "<AssumeRoleResponse xmlns=\"" + std::string(sts_ns) + "\"><AssumeRoleResult>" +
                 assumed_user(role, session) + credentials_xml(i, expiration()) +
                 "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>"
                 "c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>");
}

simc::response sim::imds_token(const simc::request& req)
{
    auto ttl = std::string(req.header("X-aws-ec2-metadata-token-ttl-seconds"));
    int seconds = 0;
    try
    {
        seconds = ttl.empty() ? 0 : std::stoi(ttl);
    }
    catch (const std::exception&)
    {
        seconds = 0;
    }
    if (seconds < 1 || seconds > 21600)
        return simc::text_response(400, "");
    auto token = "imds-token-" + std::to_string(++serial_);
    imds_tokens_.insert(token);
    simc::response r = simc::text_response(200, token);
    r.set("X-aws-ec2-metadata-token-ttl-seconds", ttl);
    return r;
}

namespace {

json::object credentials_json(const issued& i, const std::string& expiration)
{
    return {{"AccessKeyId", i.access_key_id},
            {"SecretAccessKey", "secret-" + i.access_key_id},
            {"Token", "token-" + i.access_key_id},
            {"Expiration", expiration}};
}

}  // namespace

simc::response sim::imds(const simc::request& req)
{
    if (!imds_tokens_.contains(std::string(req.header("X-aws-ec2-metadata-token"))))
        return simc::text_response(401, "");
    const std::string roles = "/latest/meta-data/iam/security-credentials/";
    if (req.path == roles)
        return simc::text_response(200, opts_.instance_role);
    if (req.path != roles + opts_.instance_role)
        return simc::text_response(404, "");
    // IMDS's field order: Code, LastUpdated, Type, then the credentials.
    json::object body{{"Code", "Success"}, {"LastUpdated", iso8601(clock())}, {"Type", "AWS-HMAC"}};
    for (const auto& field : credentials_json(issue("imds"), expiration()))
        body[field.key()] = field.value();
    return simc::json_response(200, body);
}

simc::response sim::container(const simc::request& req)
{
    if (!opts_.container_token.empty() && req.header("Authorization") != opts_.container_token)
        return simc::json_response(401, json::object{{"Message", "Unauthorized"}});
    auto body = credentials_json(issue("container"), expiration());
    body["RoleArn"] = opts_.role_arn;
    return simc::json_response(200, body);
}

void sim::add_control_routes(simc::server& srv)
{
    gcp_.add_control_routes(srv);
    srv.add_control_route(
        "POST", "/_sim/cloud/config", [this](simc::request& req) -> boost::asio::awaitable<simc::response> {
            auto v = simc::parse_json(req.body);
            if (!v || !v->is_object())
                co_return simc::text_response(400, "a JSON object is required");
            const auto& o = v->as_object();
            read_timing(o, opts_.ttl, opts_.clock_offset);
            for (auto [key, field] :
                 {std::pair{"web_identity_token", &opts_.web_identity_token},
                  std::pair{"container_token", &opts_.container_token},
                  std::pair{"role_arn", &opts_.role_arn}, std::pair{"instance_role", &opts_.instance_role}})
                if (auto* s = o.if_contains(key); s && s->is_string())
                    *field = std::string(s->as_string());
            if (auto* k = o.if_contains("known_access_keys"); k && k->is_array())
            {
                opts_.known_access_keys.clear();
                for (const auto& id : k->as_array())
                    opts_.known_access_keys.emplace_back(id.as_string());
            }
            co_return simc::json_response(200, json::object{{"ttl_seconds", opts_.ttl.count()}});
        });
    srv.add_control_route("POST", "/_sim/cloud/rotate",
                          [this](simc::request&) -> boost::asio::awaitable<simc::response> {
                              ++generation_;
                              co_return simc::json_response(200, json::object{{"generation", generation_}});
                          });
    srv.add_control_route(
        "GET", "/_sim/cloud/state", [this](simc::request&) -> boost::asio::awaitable<simc::response> {
            json::array issued, callers;
            for (const auto& i : issued_)
                issued.push_back(json::object{{"source", i.source}, {"access_key_id", i.access_key_id}});
            for (const auto& c : assume_role_callers_)
                callers.emplace_back(c);
            co_return simc::json_response(200, json::object{{"generation", generation_},
                                                            {"ttl_seconds", opts_.ttl.count()},
                                                            {"issued", std::move(issued)},
                                                            {"assume_role_callers", std::move(callers)}});
        });
    srv.on_reset([this] {
        opts_ = initial_;
        generation_ = 1;
        issued_.clear();
        assume_role_callers_.clear();
        imds_tokens_.clear();
    });
}

}  // namespace csim
