// The client's request loop: deadline, retries with backoff, redirects, and the pool per endpoint.
#include "http/client.hpp"

#include "async/deadline.hpp"
#include "http/exchange.hpp"
#include "http/pool.hpp"
#include "http/redirect.hpp"
#include "http/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <random>

namespace vk::http {
namespace asio = boost::asio;

struct client::impl
{
    asio::any_io_executor ex;
    client_params params;
    endpoint base;
    std::shared_ptr<asio::ssl::context> tls;
    std::map<std::string, std::unique_ptr<detail::pool>> pools;  // by endpoint::str()
    std::minstd_rand rng{std::random_device{}()};

    // Built on first use: loading the system trust store costs tens of milliseconds.
    result<std::shared_ptr<asio::ssl::context>> tls_context();
    result<detail::pool*> pool_for(const endpoint& where);
    asio::awaitable<result<response>> attempt(const url_parts& to, const client_request& req,
                                              detail::attempt_state& st);
    asio::awaitable<result<response>> send_all(const client_request& req);
    // Where a redirect answer leads, if it may be followed with the request's credentials.
    asio::awaitable<result<url_parts>> redirect_target(const endpoint& from, std::string_view location);
    asio::awaitable<result<response>> send_caught(const client_request& req);
};

namespace {

// The path without the query: error context must not carry query values.
std::string path_of(std::string_view target)
{
    if (auto u = parse_url(target))
        target = u->target;
    return std::string(target.substr(0, target.find('?')));
}

result<url_parts> resolve_target(const endpoint& base, std::string_view target)
{
    if (target.starts_with("http://") || target.starts_with("https://"))
        return parse_url(target);
    if (!target.starts_with("/"))
        return make_error(errc::invalid_argument, "request target must start with '/'");
    return url_parts{base, std::string(target)};
}

}  // namespace

result<std::shared_ptr<asio::ssl::context>> client::impl::tls_context()
{
    if (!tls)
    {
        auto ctx = detail::make_client_context(params.tls);
        if (!ctx)
            return ctx.error();
        tls = std::move(*ctx);
    }
    return tls;
}

result<detail::pool*> client::impl::pool_for(const endpoint& where)
{
    auto& p = pools[where.str()];
    if (!p)
    {
        std::shared_ptr<asio::ssl::context> ctx;
        if (where.tls())
        {
            auto made = tls_context();
            if (!made)
                return made.error();
            ctx = std::move(*made);
        }
        detail::pool_params pp{params.max_connections, params.connect_timeout, params.max_idle,
                               params.tls.server_name, !params.tls.skip_verify};
        p = std::make_unique<detail::pool>(ex, where, pp, std::move(ctx));
    }
    return p.get();
}

asio::awaitable<result<response>> client::impl::attempt(const url_parts& to, const client_request& req,
                                                        detail::attempt_state& st)
{
    auto p = pool_for(to.where);
    if (!p)
        co_return p.error();
    auto l = co_await (*p)->acquire(st);
    if (!l)
        co_return l.error();
    auto idle = req.idle_timeout.value_or(params.idle_timeout);
    auto host = host_header(to.where);
    header_map defaults = params.default_headers;
    defaults.set("User-Agent", params.user_agent);
    detail::exchange_params x{req.method,
                              to.target,
                              host,
                              defaults,
                              req.headers,
                              req.body,
                              req.upload ? &*req.upload : nullptr,
                              &req.download,
                              idle,
                              params.max_response_body};
    auto r = co_await detail::exchange(l->conn(), x, st);
    if (r && st.keep_alive)
        l->keep();  // otherwise the lease closes the connection
    co_return r;
}

asio::awaitable<result<response>> client::impl::send_all(const client_request& req)
{
    auto to = resolve_target(base, req.target);
    if (!to)
        co_return to.error();
    bool idempotent = req.idempotent.value_or(default_idempotent(req.method));
    bool resendable = !req.upload || bool(req.upload->rewind);
    auto start = std::chrono::steady_clock::now();
    unsigned attempts = 0, redirects = 0;
    for (;;)
    {
        if ((attempts > 0 || redirects > 0) && req.upload && !req.upload->rewind())
            co_return make_error(errc::invalid_argument, "upload source cannot be rewound", to->where.str());
        ++attempts;
        detail::attempt_state st;
        auto r = co_await attempt(*to, req, st);
        if (r && (r->status == 307 || r->status == 308) && req.follow_redirects && resendable &&
            redirects < params.max_redirects && r->headers.contains("Location"))
        {
            // Vault standby -> active: same method, same body, another node of the same cluster.
            auto next = co_await redirect_target(to->where, *r->headers.get("Location"));
            if (!next)
                co_return next.error();
            to = std::move(next);
            ++redirects;
            --attempts;
            continue;
        }
        if (st.delivered || !resendable)
            co_return r;
        attempt_outcome o{r ? r->status : 0u, !r && st.retryable, {}};
        if (r)
            o.retry_after = r->headers.get("Retry-After");
        auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        auto d = decide_retry(params.retry, attempts, idempotent, o, elapsed, unit,
                              std::chrono::system_clock::now());
        if (!d.retry)
            co_return r;
        asio::steady_timer pause(ex, d.delay);
        co_await pause.async_wait(asio::use_awaitable);  // cancellation throws: mapped in send_caught
    }
}

asio::awaitable<result<url_parts>> client::impl::redirect_target(const endpoint& from,
                                                                 std::string_view location)
{
    auto next = resolve_location(from, location);
    if (!next)
        co_return make_error(errc::bad_response, "unusable redirect location", from.str());
    auto verdict = judge_redirect(from, next->where, params.trusted_redirects);
    if (verdict == redirect_verdict::follow)
        co_return next;
    if (verdict == redirect_verdict::ask && params.vouch_redirect &&
        co_await params.vouch_redirect(next->where))
    {
        if (judge_redirect(from, next->where, params.trusted_redirects) != redirect_verdict::follow)
            params.trusted_redirects.push_back(next->where);  // concurrent vouches add it once
        co_return next;
    }
    co_return refused_redirect(from, next->where, verdict);
}

asio::awaitable<result<response>> client::impl::send_caught(const client_request& req)
{
    try
    {
        co_return co_await send_all(req);
    }
    catch (const boost::system::system_error& e)
    {
        // Any co_await after a terminal cancellation throws operation_aborted: the caller gave up.
        if (e.code() == asio::error::operation_aborted)
            co_return make_error(errc::cancelled, "request cancelled");
        co_return make_error(errc::transport_error, e.code().message());
    }
}

result<std::unique_ptr<client>> client::create(asio::any_io_executor ex, client_params params)
{
    auto base = parse_url(params.base_url);
    if (!base)
        return base.error();
    auto p = std::make_unique<impl>(impl{ex, std::move(params), base->where, nullptr, {}});
    // An https base URL gets its TLS settings checked now, so bad files fail at start-up.
    if (p->base.tls())
        if (auto ctx = p->tls_context(); !ctx)
            return ctx.error();
    return std::unique_ptr<client>(new client(std::move(p)));
}

client::client(std::unique_ptr<impl> p)
    : impl_(std::move(p))
{
}
client::~client() = default;

asio::awaitable<result<response>> client::send(const client_request& req)
{
    auto total = req.timeout.value_or(impl_->params.timeout);
    // if/else, not ?: : GCC 12 miscompiles co_await inside a conditional expression.
    result<response> r = make_error(errc::internal, "unreachable");
    if (total.count() > 0)
        r = co_await with_deadline(impl_->send_caught(req), total, "request deadline exceeded");
    else
        r = co_await impl_->send_caught(req);
    if (r)
        co_return r;
    // Context for logs: where and what, never headers or bodies.
    auto e = r.error();
    if (e.endpoint.empty())
    {
        auto to = resolve_target(impl_->base, req.target);
        e.endpoint = to ? to->where.str() : impl_->base.str();
    }
    if (e.path.empty())
        e.path = path_of(req.target);
    co_return e;
}

bool client::skip_verify() const noexcept
{
    return impl_->params.tls.skip_verify;
}
const endpoint& client::base() const noexcept
{
    return impl_->base;
}

std::uint64_t client::connections_opened() const noexcept
{
    std::uint64_t n = 0;
    for (const auto& [k, p] : impl_->pools)
        n += p->opened_count();
    return n;
}

std::size_t client::idle_connections() const noexcept
{
    std::size_t n = 0;
    for (const auto& [k, p] : impl_->pools)
        n += p->idle_count();
    return n;
}

void client::close_idle()
{
    for (auto& [k, p] : impl_->pools)
        p->close_idle();
}

}  // namespace vk::http
