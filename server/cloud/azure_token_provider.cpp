// The provider's shell: reads the environment and the federated token file, calls IMDS or the token
// endpoint through the HTTP client, and keeps the current token. Decisions are in cloud/model.
#include "cloud/azure_token_provider.hpp"

#include "cloud/environment.hpp"
#include "cloud/model/azure_token.hpp"
#include "cloud/model/iso8601.hpp"
#include "cloud/origin_clients.hpp"
#include "cloud/refreshing_cache.hpp"
#include "core/read_file.hpp"

namespace vk::cloud::azure {

namespace asio = boost::asio;

namespace {

error with_context(error e, std::string_view source, std::string_view endpoint)
{
    e.message = "Azure token from " + std::string(source) + ": " + e.message;
    if (e.endpoint.empty())
        e.endpoint = std::string(endpoint);
    return e;
}

}  // namespace

result<token_plan> plan_from_environment(const identity_settings& s)
{
    return plan_token_source(s, read_environment(identity_variables()));
}

struct token_provider::impl
{
    impl(provider_settings settings, asio::any_io_executor ex)
        : s(std::move(settings)),
          clients(std::move(ex))
    {
    }

    struct cached_token
    {
        std::string access_token;
        std::optional<std::chrono::system_clock::time_point> expiration;
    };

    provider_settings s;
    std::optional<token_plan> plan;
    refreshing_cache<cached_token> cache{token_refresh_windows(s.refresh_before), "Azure token",
                                         "refreshing the Azure token failed; the current one stays in use "
                                         "until it expires"};
    origin_clients clients;

    // Where the planned source's tokens come from (errors name it).
    std::string endpoint() const
    {
        if (auto* m = std::get_if<managed_identity_source>(&plan->source))
            return m->endpoint;
        return std::get<workload_identity_source>(plan->source).authority;
    }

    // The request for the planned source; the federated token is read again for each exchange.
    result<token_request> request() const
    {
        if (auto* m = std::get_if<managed_identity_source>(&plan->source))
            return imds_request(*m);
        const auto& w = std::get<workload_identity_source>(plan->source);
        auto assertion = read_file(w.token_file);
        if (!assertion || without_line_end(*assertion).empty())
            return make_error(errc::io_error, "cannot read the federated token file " + w.token_file);
        return workload_request(w, without_line_end(std::move(*assertion)));
    }

    asio::awaitable<result<cached_token>> exchange()
    {
        auto tr = request();
        if (!tr)
            co_return tr.error();
        http::client_request req;
        req.method = tr->method;
        for (auto& [k, v] : tr->headers)
            req.headers.add(k, v);
        req.body = std::move(tr->body);
        auto requested = std::chrono::system_clock::now();
        auto r = co_await clients.send(tr->url, req);
        if (!r)
            co_return r.error();
        if (r->status / 100 != 2)
            co_return token_refusal(r->status, r->body);
        auto answer = parse_token_answer(r->body);
        if (!answer)
            co_return answer.error();
        auto date = r->headers.get("Date");
        auto expires = token_expiry(*answer, requested, date ? parse_http_date(*date) : std::nullopt);
        if (!expires)
            co_return expires.error();
        co_return cached_token{std::move(answer->access_token), *expires};
    }

    asio::awaitable<result<cached_token>> fetch()
    {
        if (!plan)
        {
            auto p = plan_from_environment(s.identity);
            if (!p)
                co_return with_context(p.error(), "the environment", "");
            plan = std::move(*p);
        }
        auto t = co_await exchange();
        if (t && t->expiration <= std::chrono::system_clock::now())
            t = make_error(errc::bad_response, "the new token is already expired");
        if (!t)
            co_return with_context(t.error(), plan->description, endpoint());
        co_return t;
    }

    asio::awaitable<result<std::string>> current()
    {
        auto t = co_await cache.get([this] { return fetch(); });
        if (!t)
            co_return t.error();
        co_return t->access_token;
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

}  // namespace vk::cloud::azure
