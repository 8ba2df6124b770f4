// Consul client: builds each request (path, query, token, dc), sends it through http::client and turns
// the answer into typed values or vk::error.
#include "consul/client_call.hpp"

#include "http/client.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace vk::consul {
namespace asio = boost::asio;

namespace {

constexpr std::chrono::minutes consul_default_wait{5};

void add_read_options(std::vector<std::pair<std::string, std::string>>& q, const query_options& o)
{
    if (o.consistent)
        q.emplace_back("consistent", "");
    if (o.index > 0)
    {
        q.emplace_back("index", std::to_string(o.index));
        if (o.wait.count() > 0)
            q.emplace_back("wait", go_millis(o.wait));
    }
}

std::optional<std::chrono::milliseconds> blocking_wait(const query_options& o)
{
    if (o.index == 0)
        return std::nullopt;
    return o.wait.count() > 0 ? o.wait : std::chrono::milliseconds(consul_default_wait);
}

std::string kv_path(std::string_view key)
{
    return "/v1/kv/" + encode_key(key);
}

// Non-2xx answers become errors, except the 404 a caller treats as "nothing there".
result<void> check_status(const http::response& r, const std::string& path, bool allow_404 = false)
{
    if ((r.status >= 200 && r.status < 300) || (allow_404 && r.status == 404))
        return {};
    return map_error(r.status, r.body, path);
}

std::uint64_t index_of(const http::response& r)
{
    return parse_index(r.headers.get("X-Consul-Index")).value_or(0);
}

}  // namespace

result<std::unique_ptr<client>> client::create(asio::any_io_executor ex, const vk::consul_config& cfg,
                                               client_options o)
{
    http::client_params p;
    p.base_url = cfg.address;
    p.tls = cfg.tls;
    if (cfg.token && !cfg.token->empty())
        p.default_headers.set("X-Consul-Token", cfg.token->reveal());
    p.max_connections = static_cast<std::size_t>(cfg.max_connections);
    p.retry = o.retry;
    p.timeout = cfg.request_timeout;
    // The lower of the operator's limit and the caller's (a caller may know its answers are small).
    p.max_response_body = std::min(o.max_response_body, cfg.max_response_bytes);
    auto http = http::client::create(std::move(ex), std::move(p));
    if (!http)
        return http.error();
    return std::unique_ptr<client>(
        new client(std::move(*http), cfg.datacenter, cfg.request_timeout, std::move(o)));
}

client::client(std::unique_ptr<http::client> http, std::string dc, std::chrono::milliseconds timeout,
               client_options o)
    : http_(std::move(http)),
      dc_(std::move(dc)),
      timeout_(timeout),
      opts_(std::move(o))
{
}

client::~client() = default;

asio::awaitable<result<http::response>> client::send(call c)
{
    if (!dc_.empty())
        c.query.emplace_back("dc", dc_);
    http::client_request req;
    req.method = c.method;
    req.target = c.path;
    char sep = '?';
    for (const auto& [name, value] : c.query)
    {
        req.target += sep + name + (value.empty() ? "" : "=" + encode_query_value(value));
        sep = '&';
    }
    req.body = std::move(c.body);
    req.idempotent = c.idempotent;
    if (c.method == "PUT" && c.path.starts_with("/v1/kv/"))
        req.headers.set("Content-Type", "application/octet-stream");
    if (c.blocking_wait)
    {
        // The server may hold the answer for wait + wait/16 of jitter; the socket stays silent meanwhile.
        auto hold = *c.blocking_wait + *c.blocking_wait / 16 + timeout_;
        req.timeout = hold;
        req.idle_timeout = hold;
    }
    co_return co_await http_->send(req);
}

asio::awaitable<result<client::read_reply>> client::read(call c, const std::string& path)
{
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (auto ok = check_status(*r, path, true); !ok)
        co_return ok.error();
    read_reply out{std::nullopt, index_of(*r)};
    if (r->status != 404)
        out.body = std::move(r->body);
    co_return out;
}

asio::awaitable<result<query_result<std::optional<kv_entry>>>> client::get(std::string key, query_options q)
{
    if (key.empty())
        co_return make_error(errc::invalid_argument, "empty Consul key");
    call c{"GET", kv_path(key), {}, {}, true, blocking_wait(q)};
    add_read_options(c.query, q);
    auto r = co_await read(std::move(c), key);
    if (!r)
        co_return r.error();
    query_result<std::optional<kv_entry>> out{std::nullopt, r->index};
    if (!r->body)
        co_return out;
    auto entries = decode_entries(*r->body);
    if (!entries)
        co_return entries.error();
    if (!entries->empty())
        out.value = std::move(entries->front());
    co_return out;
}

asio::awaitable<result<query_result<std::vector<kv_entry>>>> client::get_recurse(std::string prefix,
                                                                                 query_options q)
{
    call c{"GET", kv_path(prefix), {{"recurse", ""}}, {}, true, blocking_wait(q)};
    add_read_options(c.query, q);
    auto r = co_await read(std::move(c), prefix);
    if (!r)
        co_return r.error();
    query_result<std::vector<kv_entry>> out{{}, r->index};
    if (!r->body)
        co_return out;
    auto entries = decode_entries(*r->body);
    if (!entries)
        co_return entries.error();
    out.value = std::move(*entries);
    co_return out;
}

asio::awaitable<result<query_result<std::vector<std::string>>>>
client::keys(std::string prefix, std::string separator, query_options q)
{
    call c{"GET", kv_path(prefix), {{"keys", ""}}, {}, true, blocking_wait(q)};
    if (!separator.empty())
        c.query.emplace_back("separator", separator);
    add_read_options(c.query, q);
    auto r = co_await read(std::move(c), prefix);
    if (!r)
        co_return r.error();
    query_result<std::vector<std::string>> out{{}, r->index};
    if (!r->body)
        co_return out;
    auto names = decode_keys(*r->body);
    if (!names)
        co_return names.error();
    out.value = std::move(*names);
    co_return out;
}

asio::awaitable<result<bool>> client::put(std::string key, std::string value, put_options o)
{
    if (key.empty())
        co_return make_error(errc::invalid_argument, "empty Consul key");
    if (value.size() > max_value_size)
        co_return make_error(errc::too_large,
                             "value of key \"" + key + "\" is " + std::to_string(value.size()) +
                                 " bytes, over Consul's limit of " + std::to_string(max_value_size));
    if (int(o.cas.has_value()) + int(!o.acquire.empty()) + int(!o.release.empty()) > 1)
        co_return make_error(errc::invalid_argument, "cas, acquire and release exclude each other", {}, key);
    // A retried cas could report a stale `false` for a write that went through: send it once.
    call c{"PUT", kv_path(key), {}, std::move(value), !o.cas.has_value(), std::nullopt};
    if (o.flags)
        c.query.emplace_back("flags", std::to_string(o.flags));
    if (o.cas)
        c.query.emplace_back("cas", std::to_string(*o.cas));
    if (!o.acquire.empty())
        c.query.emplace_back("acquire", o.acquire);
    if (!o.release.empty())
        c.query.emplace_back("release", o.release);
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (auto ok = check_status(*r, key); !ok)
        co_return ok.error();
    co_return decode_bool(r->body);
}

asio::awaitable<result<bool>> client::remove(std::string key, delete_options o)
{
    if (key.empty() && !o.recurse)
        co_return make_error(errc::invalid_argument, "empty Consul key");
    call c{"DELETE", kv_path(key), {}, {}, !o.cas.has_value(), std::nullopt};
    if (o.recurse)
        c.query.emplace_back("recurse", "");
    if (o.cas)
        c.query.emplace_back("cas", std::to_string(*o.cas));
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (auto ok = check_status(*r, key); !ok)
        co_return ok.error();
    co_return decode_bool(r->body);
}

asio::awaitable<result<txn_result>> client::txn(std::vector<txn_op> ops)
{
    auto body = build_txn_body(ops, opts_.max_txn_ops);
    if (!body)
        co_return body.error();
    // Not idempotent: a retry after a lost answer could apply the writes twice.
    call c{"PUT", "/v1/txn", {}, std::move(*body), false, std::nullopt};
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (r->status == 409)
        co_return decode_txn(r->status, r->body);
    if (auto ok = check_status(*r, "/v1/txn"); !ok)
        co_return ok.error();
    co_return decode_txn(r->status, r->body);
}

}  // namespace vk::consul
