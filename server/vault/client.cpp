// vk::vault::client construction and request path (headers, token, re-login on an invalid token).
#include "vault/client.hpp"
#include "core/log.hpp"
#include "vault/auth.hpp"
#include "vault/client_impl.hpp"
#include "vault/errors.hpp"
#include "vault/model/decode.hpp"

namespace vk::vault {

namespace asio = boost::asio;

namespace {

http::client_params http_params(const vault_config& cfg)
{
    http::client_params p;
    p.base_url = cfg.address;
    p.tls = cfg.tls;
    p.default_headers.set("X-Vault-Request", "true");
    if (!cfg.namespace_.empty())
        p.default_headers.set("X-Vault-Namespace", cfg.namespace_);
    p.max_connections = static_cast<std::size_t>(std::max(1, cfg.max_connections));
    if (cfg.request_timeout.count() > 0)
        p.timeout = cfg.request_timeout;
    p.max_response_body = cfg.max_response_bytes;
    return p;
}

}  // namespace

result<std::unique_ptr<client>> client::create(asio::any_io_executor ex, const vault_config& cfg)
{
    if (auto ok = validate_auth(cfg.auth); !ok)
        return ok.error();
    auto p = std::make_unique<impl>(ex, cfg);
    auto params = http_params(cfg);
    // A standby redirects to the active node: trusted once the configured node names it as its leader.
    params.vouch_redirect = [raw = p.get()](http::endpoint to) { return raw->is_active_node(std::move(to)); };
    auto http = http::client::create(ex, std::move(params));
    if (!http)
        return http.error();
    p->http = std::move(*http);
    p->endpoint = cfg.address;
    while (!p->endpoint.empty() && p->endpoint.back() == '/')
        p->endpoint.pop_back();
    if (p->http->skip_verify())
        log::warn("vault TLS certificate verification is disabled",
                  {{"vault", cfg.name}, {"address", cfg.address}});
    if (cfg.auth.method == "token")
        p->token = *cfg.auth.token;
    return std::unique_ptr<client>(new client(std::move(p)));
}

client::client(std::unique_ptr<impl> p)
    : impl_(std::move(p))
{
}
client::~client() = default;

const std::string& client::endpoint() const noexcept
{
    return impl_->endpoint;
}
const token_info& client::token() const noexcept
{
    return impl_->info;
}
std::uint64_t client::logins() const noexcept
{
    return impl_->logins;
}
std::uint64_t client::renewals() const noexcept
{
    return impl_->renewals;
}
std::uint64_t client::connections_opened() const noexcept
{
    return impl_->http->connections_opened();
}

error client::located(error e, const std::string& path) const
{
    if (e.endpoint.empty())
        e.endpoint = impl_->endpoint;
    if (e.path.empty())
        e.path = path;
    return e;
}

asio::awaitable<result<reply>> client::impl::send_once(const call& c)
{
    http::client_request req;
    req.method = c.method;
    req.target = "/v1/" + c.path + (c.query.empty() ? "" : "?" + c.query);
    if (c.authenticated && !token.empty())
        req.headers.set("X-Vault-Token", token.reveal());
    if (!c.body.empty() || c.upload)
        req.headers.set("Content-Type", c.content_type.empty() ? "application/json" : c.content_type);
    req.body = c.body;
    req.upload = c.upload;
    req.download = c.download;
    req.idempotent = c.idempotent;
    req.timeout = c.timeout;
    auto r = co_await http->send(req);
    if (!r)
    {
        error e = r.error();
        // Transport errors carry the URL path; report the API path callers know.
        e.path = c.path;
        if (e.endpoint.empty())
            e.endpoint = endpoint;
        co_return e;
    }
    co_return reply{r->status, std::move(r->body)};
}

asio::awaitable<bool> client::impl::is_active_node(http::endpoint to)
{
    // Asked of the configured node itself, without following redirects: a redirect cannot vouch for itself.
    http::client_request req;
    req.target = "/v1/sys/leader";
    req.follow_redirects = false;
    auto r = co_await http->send(req);
    if (!r || r->status != 200)
        co_return false;
    auto l = decode_leader(r->body);
    if (!l || !l->ha_enabled || l->leader_address.empty())
        co_return false;
    auto active = http::parse_url(l->leader_address);
    co_return active && active->where == to;
}

asio::awaitable<result<reply>> client::send(const call& c)
{
    auto seen = impl_->generation;
    auto r = co_await impl_->send_once(c);
    if (!r || !c.authenticated || !can_login(impl_->cfg.auth) || !is_invalid_token(r->status, r->body))
        co_return r;
    // The token expired or was revoked under us: one fresh login, then one retry.
    log::info("vault token rejected, logging in again", {{"vault", impl_->cfg.name}, {"path", c.path}});
    if (auto ok = co_await impl_->relogin(seen); !ok)
        co_return located(ok.error(), c.path);
    co_return co_await impl_->send_once(c);
}

asio::awaitable<result<reply>> client::perform(const call& c)
{
    auto r = co_await send(c);
    if (r && (r->status < 200 || r->status > 299))
        co_return reply_error(r->status, r->body, impl_->endpoint, c.path);
    co_return r;
}

}  // namespace vk::vault
