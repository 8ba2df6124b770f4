// cloud-sim's Google token endpoint and metadata server (see gcp_sim.hpp).
#include "gcp_sim.hpp"

#include "cloud_sim.hpp"

#include <boost/json.hpp>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace csim {
namespace {

namespace json = boost::json;

constexpr std::string_view sa_prefix = "/computeMetadata/v1/instance/service-accounts/";
constexpr long long allowed_skew =
    300;  // an iat this far ahead of our clock is still taken (google-auth CLOCK_SKEW_SECS)
constexpr const char* short_lived = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                                    "reasonable timeframe. Check your iat and exp values in the JWT claim.";

std::optional<std::string> base64url_decode(std::string s)
{
    for (auto& c : s)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    s.append((4 - s.size() % 4) % 4, '=');
    std::string out((s.size() / 4) * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
    if (n < 0)
        return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - (s.ends_with("==") ? 2 : s.ends_with('=') ? 1 : 0));
    return out;
}

std::optional<json::object> json_part(const std::string& part)
{
    auto text = base64url_decode(part);
    if (!text)
        return std::nullopt;
    auto v = simc::parse_json(*text);
    if (!v || !v->is_object())
        return std::nullopt;
    return v->as_object();
}

bool rs256_verifies(const std::string& public_pem, std::string_view data, std::string_view sig)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_mem_buf(public_pem.data(), -1), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> k(
        PEM_read_bio_PUBKEY(b.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return k && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

// Google's OAuth error shape (RFC 6749 section 5.2).
simc::response oauth_error(unsigned status, std::string error, std::string description)
{
    return simc::json_response(status, json::object{{"error", error}, {"error_description", description}});
}

long long number(const json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : 0;
}

std::string text(const json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
}

}  // namespace

gcp_sim::gcp_sim(clock_fn now)
    : now_(std::move(now))
{
}

bool gcp_sim::serves(const simc::request& req)
{
    return (req.method == "POST" && req.path == "/token") || req.path.starts_with("/computeMetadata/");
}

std::chrono::system_clock::time_point gcp_sim::clock() const
{
    return now_() + opts_.clock_offset;
}

simc::response gcp_sim::answer(const simc::request& req)
{
    return req.path == "/token" ? token(req) : metadata(req);
}

std::string gcp_sim::issue(const std::string& source)
{
    auto t = "ya29.cloudsim-" + source + "-" + std::to_string(issued_.size() + 1);
    issued_.emplace_back(source, t);
    return t;
}

std::string gcp_sim::check_assertion(const std::string& jwt, const std::string& audience) const
{
    auto dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
    if (dot1 == std::string::npos || dot1 == dot2)
        return "Invalid JWT: not a JWS compact serialization.";
    auto header = json_part(jwt.substr(0, dot1));
    auto claims = json_part(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
    auto sig = base64url_decode(jwt.substr(dot2 + 1));
    if (!header || !claims || !sig || text(*header, "alg") != "RS256")
        return "Invalid JWT Signature.";
    auto key = public_keys_.find(text(*claims, "iss"));
    if (key == public_keys_.end())
        return "Invalid grant: account not found";
    if (!rs256_verifies(key->second, std::string_view(jwt).substr(0, dot2), *sig))
        return "Invalid JWT Signature.";
    if (text(*claims, "aud") != audience)
        return "Invalid JWT: Failed audience check. The right audience is " + audience;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock().time_since_epoch()).count();
    auto iat = number(*claims, "iat"), exp = number(*claims, "exp");
    if (iat > now + allowed_skew || exp <= now || exp <= iat || exp - iat > 3600)
        return short_lived;
    return "";
}

simc::response gcp_sim::token(const simc::request& req)
{
    auto form = parse_form(req.body);
    if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
    auto audience = "http://" + std::string(req.header("Host")) + "/token";
    if (auto why = check_assertion(form["assertion"], audience); !why.empty())
        return oauth_error(400, "invalid_grant", why);
    return simc::json_response(200, json::object{{"access_token", issue("sa")},
                                                 {"expires_in", opts_.ttl.count()},
                                                 {"token_type", "Bearer"}});
}

simc::response gcp_sim::metadata(const simc::request& req)
{
    simc::response r;
    if (req.header("Metadata-Flavor") != "Google")
        r = simc::text_response(403, "Missing required header: Metadata-Flavor\n");
    else if (req.method != "GET")
        r = simc::text_response(405, "");
    else if (auto account = std::string_view(req.path).substr(std::min(req.path.size(), sa_prefix.size()));
             !req.path.starts_with(sa_prefix))
        r = simc::text_response(404, "");
    else if (account == "default/" || account == opts_.metadata_email + "/")
        r = simc::json_response(200, json::object{{"aliases", json::array{"default"}},
                                                  {"email", opts_.metadata_email},
                                                  {"scopes", json::array{"https://www.googleapis.com/auth/"
                                                                         "cloud-platform"}}});
    else if (account == "default/token" || account == opts_.metadata_email + "/token")
        r = simc::json_response(200, json::object{{"access_token", issue("metadata")},
                                                  {"expires_in", opts_.ttl.count()},
                                                  {"token_type", "Bearer"}});
    else
        r = simc::text_response(404, "");
    // Every metadata server answer says what it is; clients check it to tell it from an impostor.
    r.set("Metadata-Flavor", "Google");
    return r;
}

void gcp_sim::add_key(std::string client_email, std::string public_pem)
{
    public_keys_[std::move(client_email)] = std::move(public_pem);
}

void gcp_sim::add_control_routes(simc::server& srv)
{
    srv.add_control_route(
        "POST", "/_sim/cloud/gcp/config",
        [this](simc::request& req) -> boost::asio::awaitable<simc::response> {
            auto v = simc::parse_json(req.body);
            if (!v || !v->is_object())
                co_return simc::text_response(400, "a JSON object is required");
            const auto& o = v->as_object();
            read_timing(o, opts_.ttl, opts_.clock_offset);
            if (auto e = text(o, "metadata_email"); !e.empty())
                opts_.metadata_email = e;
            co_return simc::json_response(200, json::object{{"ttl_seconds", opts_.ttl.count()}});
        });
    srv.add_control_route(
        "POST", "/_sim/cloud/gcp/keys", [this](simc::request& req) -> boost::asio::awaitable<simc::response> {
            auto v = simc::parse_json(req.body);
            if (!v || !v->is_object() || text(v->as_object(), "client_email").empty())
                co_return simc::text_response(400, "{\"client_email\",\"public_key_pem\"}");
            add_key(text(v->as_object(), "client_email"), text(v->as_object(), "public_key_pem"));
            co_return simc::json_response(200, json::object{});
        });
    srv.add_control_route("GET", "/_sim/cloud/gcp/state",
                          [this](simc::request&) -> boost::asio::awaitable<simc::response> {
                              json::array issued;
                              for (const auto& [source, token] : issued_)
                                  issued.push_back(json::object{{"source", source}, {"access_token", token}});
                              co_return simc::json_response(200, json::object{{"issued", std::move(issued)}});
                          });
    srv.on_reset([this] {
        opts_ = {};
        public_keys_.clear();
        issued_.clear();
    });
}

}  // namespace csim
