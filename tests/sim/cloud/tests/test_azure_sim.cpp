// cloud-sim's Azure answers without sockets: IMDS's header and identity checks, the token endpoint's
// assertion / client / scope / tenant checks, the JWT claims azurite reads, the Date on the sim's clock.
#include "azure_sim.hpp"
#include "common/util.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace {

namespace json = boost::json;

constexpr long long t0 = 1700000000;

csim::azure_sim fixed(csim::azure_options o = {})
{
    return csim::azure_sim(std::move(o), [] { return std::chrono::system_clock::from_time_t(t0); });
}

simc::request imds_get(std::map<std::string, std::string, std::less<>> query, bool metadata = true)
{
    simc::request r;
    r.method = "GET";
    r.path = "/metadata/identity/oauth2/token";
    r.target = r.path;
    r.query = std::move(query);
    if (metadata)
        r.headers.set("Metadata", "true");
    return r;
}

simc::request token_post(std::string tenant, std::string body)
{
    simc::request r;
    r.method = "POST";
    r.path = "/" + tenant + "/oauth2/v2.0/token";
    r.target = r.path;
    r.body = std::move(body);
    return r;
}

const std::map<std::string, std::string, std::less<>> storage = {{"api-version", "2018-02-01"},
                                                                 {"resource", "https://storage.azure.com/"}};

json::object claims_of(std::string_view jwt)
{
    auto part = std::string(jwt.substr(jwt.find('.') + 1));
    part = part.substr(0, part.find('.'));
    for (auto& c : part)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (part.size() % 4)
        part += '=';
    return json::parse(*simc::base64_decode(part)).as_object();
}

std::string form(std::string assertion, std::string client = "a1b2c3d4-0000-4000-8000-00000000c11e",
                 std::string scope = "https%3A%2F%2Fstorage.azure.com%2F.default")
{
    return "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&"
           "client_assertion=" +
           assertion + "&client_id=" + client + "&grant_type=client_credentials&scope=" + scope;
}

std::string header(const simc::response& r, std::string_view name)
{
    for (const auto& [k, v] : r.headers)
        if (k == name)
            return v;
    return "";
}

}  // namespace

TEST(azure_sim, imds_needs_the_metadata_header_and_a_known_identity)
{
    csim::azure_options o;
    o.user_assigned_client_id = "uid";
    o.ttl = std::chrono::seconds(600);
    o.clock_offset = std::chrono::seconds(3600);
    auto s = fixed(o);
    auto r = s.answer(imds_get(storage, false));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400u);
    EXPECT_EQ(json::parse(r->body).at("error"), "bad_request_102");
    auto q = storage;
    q["client_id"] = "other";
    EXPECT_EQ(s.answer(imds_get(q))->status, 400u);
    q["client_id"] = "uid";
    r = s.answer(imds_get(q));
    ASSERT_EQ(r->status, 200u);
    auto body = json::parse(r->body).as_object();
    EXPECT_EQ(body.at("expires_in"), "600");  // strings, as IMDS writes them
    EXPECT_EQ(body.at("expires_on").as_string(), std::to_string(t0 + 3600 + 600));
    EXPECT_EQ(body.at("token_type"), "Bearer");
    EXPECT_EQ(body.at("client_id"), "uid");
    EXPECT_EQ(header(*r, "Date"), "Tue, 14 Nov 2023 23:13:20 GMT");  // the sim's clock, an hour ahead
    auto claims = claims_of(body.at("access_token").as_string());
    EXPECT_EQ(claims.at("aud"), "https://storage.azure.com");
    EXPECT_EQ(claims.at("iss"), "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/");
    EXPECT_EQ(claims.at("exp").as_int64(), t0 + 600);  // the real clock: the resource checks it
    EXPECT_EQ(claims.at("nbf").as_int64(), t0 - 5);
    q.erase("client_id");
    q["resource"] = "https://vault.azure.net";
    EXPECT_EQ(json::parse(s.answer(imds_get(q))->body).at("error"), "invalid_resource");
}

TEST(azure_sim, token_endpoint_checks_assertion_client_scope_and_tenant)
{
    csim::azure_options o;
    o.federated_token = "fed.jwt";
    auto s = fixed(o);
    const std::string tenant = o.tenant_id;
    auto ok = s.answer(token_post(tenant, form("fed.jwt")));
    ASSERT_EQ(ok->status, 200u);
    auto body = json::parse(ok->body).as_object();
    EXPECT_EQ(body.at("expires_in").as_int64(), 3600);  // a number, as the v2 endpoint writes it
    EXPECT_EQ(claims_of(body.at("access_token").as_string()).at("appid").as_string(), o.client_id);
    auto error_of = [&](const simc::request& req) {
        auto r = s.answer(req);
        return std::pair{r->status, std::string(json::parse(r->body).at("error").as_string())};
    };
    EXPECT_EQ(error_of(token_post(tenant, form("other"))), (std::pair{400u, std::string("invalid_client")}));
    EXPECT_EQ(error_of(token_post(tenant, form("fed.jwt", "nobody"))),
              (std::pair{400u, std::string("unauthorized_client")}));
    EXPECT_EQ(
        error_of(token_post(tenant, form("fed.jwt", o.client_id, "https%3A%2F%2Fstorage.azure.com%2F"))),
        (std::pair{400u, std::string("invalid_scope")}));
    EXPECT_EQ(error_of(token_post("t2", form("fed.jwt"))), (std::pair{400u, std::string("invalid_tenant")}));
    auto get = token_post(tenant, "");
    get.method = "GET";
    EXPECT_EQ(s.answer(get)->status, 405u);
}

TEST(azure_sim, other_paths_are_not_azure)
{
    auto s = fixed();
    simc::request r;
    r.method = "GET";
    r.path = "/latest/meta-data/iam/security-credentials/";
    EXPECT_FALSE(s.answer(r));
    r.path = "/a/b/oauth2/v2.0/token";
    EXPECT_FALSE(s.answer(r));
}
