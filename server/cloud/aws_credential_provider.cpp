// The provider's shell: reads the environment and files, calls STS / the container endpoint / IMDS through
// the HTTP client, and keeps the current credentials. Decisions are in cloud/model.
#include "cloud/aws_credential_provider.hpp"

#include "cloud/environment.hpp"
#include "cloud/model/aws_metadata.hpp"
#include "cloud/model/iso8601.hpp"
#include "cloud/model/signing_crypto.hpp"
#include "cloud/origin_clients.hpp"
#include "cloud/refreshing_cache.hpp"
#include "core/log.hpp"
#include "core/read_file.hpp"
#include "core/upstream_status.hpp"
#include "http/client.hpp"

#include <cstdlib>
#include <map>

namespace vk::cloud::aws {

namespace asio = boost::asio;

namespace {

env_map process_environment()
{
    return read_environment(chain_variables());
}

shared_files read_shared_files(const env_map& env)
{
    const char* home = std::getenv("HOME");
    shared_files f;
    f.credentials_path = credentials_file_path(env, home ? home : "");
    f.config_path = config_file_path(env, home ? home : "");
    f.credentials = parse_ini(read_file(f.credentials_path).value_or(""));
    f.config = parse_ini(read_file(f.config_path).value_or(""));
    return f;
}

// Expiration moved onto our clock when the answer's Date shows the server's clock elsewhere.
result<credentials> on_our_clock(result<credentials> c, const http::response& r)
{
    auto date = r.headers.get("Date");
    if (c && c->expiration)
        c->expiration = local_expiration(*c->expiration, date ? parse_http_date(*date) : std::nullopt,
                                         std::chrono::system_clock::now());
    return c;
}

error with_context(error e, std::string_view source, std::string_view endpoint)
{
    e.message = "AWS credentials from " + std::string(source) + ": " + e.message;
    if (e.endpoint.empty())
        e.endpoint = std::string(endpoint);
    return e;
}

}  // namespace

result<credential_plan> plan_from_environment(const chain_settings& s)
{
    auto env = process_environment();
    return plan_credentials(s, env, read_shared_files(env));
}

struct credential_provider::impl
{
    impl(provider_settings settings, asio::any_io_executor ex)
        : s(std::move(settings)),
          clients(std::move(ex))
    {
    }

    provider_settings s;
    std::optional<credential_plan> plan;
    refreshing_cache<credentials> cache{
        s.windows, "AWS credentials",
        "refreshing AWS credentials failed; the current ones stay in use until "
        "the mandatory refresh window"};
    origin_clients clients;

    std::string sts_endpoint() const
    {
        return s.sts_endpoint.empty() ? default_sts_endpoint(s.region) : s.sts_endpoint;
    }

    // Sends `req` to the URL's origin (cloud/origin_clients); any status is a response.
    asio::awaitable<result<http::response>> send_raw(std::string url, http::client_request& req)
    {
        co_return co_await clients.send(url, req);
    }

    // send_raw, a status other than 2xx an error naming it, the origin and the path.
    asio::awaitable<result<http::response>> send(std::string url, http::client_request& req)
    {
        auto r = co_await send_raw(url, req);
        if (!r || r->status / 100 == 2)
            co_return r;
        auto where = http::parse_url(url);
        auto e = make_error(upstream_errc(r->status), "HTTP " + std::to_string(r->status), where->where.str(),
                            where->target);
        e.status = r->status;
        co_return e;
    }

    // An STS call; the ErrorResponse's Code and Message when STS refuses.
    asio::awaitable<result<credentials>> sts(std::string action, http::client_request& req)
    {
        req.method = "POST";
        req.headers.add("Content-Type", std::string(form_content_type));
        auto endpoint = sts_endpoint();
        auto r = co_await send_raw(endpoint, req);
        if (!r)
            co_return r.error();
        auto answer = on_our_clock(parse_sts_answer(r->body, action), *r);
        if (!answer)
        {
            auto e = answer.error();
            e.endpoint = http::parse_url(endpoint)->where.str();
            e.status = r->status;
            e.message = "STS " + action + " (HTTP " + std::to_string(r->status) + "): " + e.message;
            co_return e;
        }
        co_return answer;
    }

    asio::awaitable<result<credentials>> web_identity(const web_identity_source& w)
    {
        auto token = read_file(w.token_file);
        if (!token || without_line_end(*token).empty())
            co_return make_error(errc::io_error, "cannot read the web identity token file " + w.token_file);
        http::client_request req;
        req.body = assume_role_with_web_identity_body(w.role, without_line_end(*token));
        co_return co_await sts("AssumeRoleWithWebIdentity", req);
    }

    // AssumeRole signed with `base` (SigV4, service sts, the storage's region).
    asio::awaitable<result<credentials>> assume_role(const credentials& base, const assume_role_params& role)
    {
        auto where = http::parse_url(sts_endpoint());
        if (!where)
            co_return where.error();
        sigv4::request sr;
        sr.method = "POST";
        sr.path = "/";
        auto body = assume_role_body(role);
        sr.headers = {{"host", http::host_header(where->where)},
                      {"content-type", std::string(form_content_type)}};
        sr.payload_hash = crypto::sha256_hex(body);
        sigv4::sign_headers(sr, base.keys, {s.region, "sts"},
                            sigv4::amz_date(std::chrono::system_clock::now()));
        http::client_request req;
        for (const auto& [k, v] : sr.headers)
            if (k != "host" && k != "content-type")
                req.headers.add(k, v);
        req.body = std::move(body);
        co_return co_await sts("AssumeRole", req);
    }

    asio::awaitable<result<credentials>> container(const container_source& c)
    {
        http::client_request req;
        std::optional<std::string> token = c.token;
        if (c.token_file)
        {
            token = read_file(*c.token_file);
            if (!token)
                co_return make_error(errc::io_error,
                                     "cannot read the authorization token file " + *c.token_file);
            *token = without_line_end(std::move(*token));
        }
        if (token)
            req.headers.add("Authorization", *token);
        auto r = co_await send(c.url, req);
        if (!r)
            co_return r.error();
        co_return on_our_clock(parse_metadata_credentials(r->body), *r);
    }

    // IMDSv2: a session token (PUT), the role's name, then its credentials, each GET carrying the token.
    asio::awaitable<result<credentials>> instance_metadata(const imds_source& m)
    {
        http::client_request put;
        put.method = "PUT";
        put.headers.add("X-aws-ec2-metadata-token-ttl-seconds", std::string(imds_token_ttl_seconds));
        auto token = co_await send(m.endpoint + std::string(imds_token_path), put);
        if (!token)
            co_return token.error();
        http::client_request list;
        list.headers.add("X-aws-ec2-metadata-token", token->body);
        auto roles = co_await send(m.endpoint + std::string(imds_roles_path), list);
        if (!roles)
            co_return roles.error();
        auto role = first_role(roles->body);
        if (!role)
            co_return role.error();
        auto creds = co_await send(m.endpoint + std::string(imds_roles_path) + *role, list);
        if (!creds)
            co_return creds.error();
        co_return on_our_clock(parse_metadata_credentials(creds->body), *creds);
    }

    asio::awaitable<result<credentials>> fetch_base(const base_source& b)
    {
        if (auto* k = std::get_if<keys_source>(&b))
            co_return k->creds;
        if (auto* w = std::get_if<web_identity_source>(&b))
            co_return co_await web_identity(*w);
        if (auto* c = std::get_if<container_source>(&b))
            co_return co_await container(*c);
        co_return co_await instance_metadata(std::get<imds_source>(b));
    }

    asio::awaitable<result<credentials>> fetch()
    {
        if (!plan)
        {
            auto p = plan_from_environment(s.chain);
            if (!p)
                co_return p.error();
            plan = std::move(*p);
        }
        auto c = co_await fetch_base(plan->base);
        for (const auto& role : plan->roles)
            if (c)
                c = co_await assume_role(*c, role);
        if (c && expired(c->expiration, std::chrono::system_clock::now()))
            c = make_error(errc::bad_response, "the refreshed credentials are already expired");
        if (!c)
            co_return with_context(c.error(), plan->description, "");
        co_return c;
    }

    asio::awaitable<result<sigv4::credentials>> current()
    {
        auto c = co_await cache.get([this] { return fetch(); });
        if (!c)
            co_return c.error();
        co_return c->keys;
    }
};

credential_provider::credential_provider(provider_settings s, asio::any_io_executor ex)
    : impl_(std::make_unique<impl>(std::move(s), std::move(ex)))
{
}

credential_provider::~credential_provider() = default;

asio::awaitable<result<sigv4::credentials>> credential_provider::current()
{
    return impl_->current();
}

}  // namespace vk::cloud::aws
