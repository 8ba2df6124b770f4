// The provider's shell: reads the environment and the key file, posts the JWT grant to the token endpoint or
// asks the metadata server, and keeps the current token. Decisions are in cloud/model.
#include "cloud/gcp_token_provider.hpp"

#include "cloud/model/gcp_jwt.hpp"
#include "cloud/model/gcp_token.hpp"
#include "cloud/model/iso8601.hpp"
#include "cloud/origin_clients.hpp"
#include "cloud/refreshing_cache.hpp"
#include "core/log.hpp"
#include "core/read_file.hpp"

#include <cstdlib>

namespace vk::cloud::gcp {

namespace asio = boost::asio;
using std::chrono::system_clock;

namespace {

constexpr std::chrono::seconds fetch_timeout{10};
constexpr std::string_view form_content_type = "application/x-www-form-urlencoded";

env_map process_environment()
{
    env_map env;
    for (auto name : chain_variables())
        if (const char* v = std::getenv(std::string(name).c_str()))
            env.emplace(name, v);
    return env;
}

// The server's clock when its Date is more than half a minute from ours (an assertion's iat must be on it).
std::optional<system_clock::time_point> skewed_server_clock(const http::response& r)
{
    auto date = r.headers.get("Date");
    auto server = date ? parse_http_date(*date) : std::nullopt;
    if (!server || std::chrono::abs(*server - system_clock::now()) < std::chrono::seconds(30))
        return std::nullopt;
    return server;
}

}  // namespace

result<token_plan> plan_from_environment(const provider_settings& s)
{
    return plan_token_source(s.key_file, process_environment(),
                             [](const std::string& path) { return read_file(path); });
}

struct token_provider::impl
{
    impl(provider_settings settings, asio::any_io_executor ex)
        : s(std::move(settings)),
          endpoints(std::move(ex), fetch_timeout)
    {
    }

    provider_settings s;
    origin_clients endpoints;
    std::optional<token_plan> plan;
    refreshing_cache<access_token> cache{
        s.windows, "GCS token",
        "refreshing the GCS token failed; the current one stays in use until it is about to expire"};

    // One JWT grant with an assertion issued at `iat`; the response whatever its status.
    asio::awaitable<result<http::response>> grant(const service_account_key& key,
                                                  system_clock::time_point iat)
    {
        auto assertion = jwt_assertion(key, storage_scope, iat);
        if (!assertion)
            co_return assertion.error();
        http::client_request req;
        req.method = "POST";
        req.headers.add("Content-Type", std::string(form_content_type));
        req.body = jwt_grant_body(*assertion);
        co_return co_await endpoints.send(key.token_uri, req);
    }

    // Google refuses an assertion whose iat is off its clock; when its Date shows our clock is off, the
    // assertion is made once more on its clock.
    asio::awaitable<result<access_token>> service_account(const service_account_key& key)
    {
        auto r = co_await grant(key, system_clock::now());
        if (r && r->status / 100 != 2)
            if (auto server = skewed_server_clock(*r))
                r = co_await grant(key, *server);
        if (!r)
            co_return r.error();
        if (r->status / 100 != 2)
            co_return token_refusal(r->status, r->body);
        co_return parse_token_answer(r->body, system_clock::now());
    }

    asio::awaitable<result<access_token>> metadata(const metadata_source& m)
    {
        http::client_request req;
        req.headers.add("Metadata-Flavor", "Google");
        auto r = co_await endpoints.send(m.origin + std::string(metadata_token_path), req);
        if (!r)
            co_return r.error();
        if (r->headers.get("Metadata-Flavor") != std::optional<std::string_view>("Google"))
            co_return make_error(errc::bad_response,
                                 "the answer lacks Metadata-Flavor: Google (not a metadata "
                                 "server)");
        if (r->status / 100 != 2)
            co_return token_refusal(r->status, r->body);
        co_return parse_token_answer(r->body, system_clock::now());
    }

    asio::awaitable<result<access_token>> fetch()
    {
        if (!plan)
        {
            auto p = plan_from_environment(s);
            if (!p)
                co_return p.error();
            plan = std::move(*p);
        }
        auto* key = std::get_if<key_file_source>(&plan->source);
        // No co_await inside ?: (GCC 12 miscompiles it).
        result<access_token> t = make_error(errc::internal, "no token source");
        if (key)
            t = co_await service_account(key->key);
        else
            t = co_await metadata(std::get<metadata_source>(plan->source));
        if (t)
            co_return t;
        auto e = t.error();
        e.message = "GCS token from " + plan->description + ": " + e.message;
        if (e.endpoint.empty())
            if (auto where = http::parse_url(key ? key->key.token_uri
                                                 : std::get<metadata_source>(plan->source).origin))
                e.endpoint = where->where.str();
        co_return e;
    }

    asio::awaitable<result<std::string>> current()
    {
        auto t = co_await cache.get([this] { return fetch(); });
        if (!t)
            co_return t.error();
        co_return t->value;
    }
};

token_provider::token_provider(provider_settings s, asio::any_io_executor ex)
    : impl_(std::make_unique<impl>(std::move(s), std::move(ex)))
{
}

token_provider::~token_provider() = default;

asio::awaitable<result<std::string>> token_provider::current()
{
    return impl_->current();
}

}  // namespace vk::cloud::gcp
