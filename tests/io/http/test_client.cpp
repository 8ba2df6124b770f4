// vk::http::client against vk::http::server on loopback: keep-alive, pool limit, deadlines, cancellation,
// retries, redirects, error mapping.
#include "http/client.hpp"
#include "http/helpers.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

using namespace vk;
using namespace vk::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

std::unique_ptr<http::client> make_client(asio::any_io_executor ex, std::uint16_t port,
                                          http::client_params p = {})
{
    p.base_url = "http://127.0.0.1:" + std::to_string(port);
    p.retry.base_delay = 5ms;
    auto c = http::client::create(ex, std::move(p));
    if (!c)
        throw std::runtime_error(c.error().describe());
    return std::move(*c);
}

http::client_request get(std::string target)
{
    http::client_request r;
    r.target = std::move(target);
    return r;
}

// A handler that never answers by itself (until the server stops and cancels it), except on /fast.
http::handler stuck_handler()
{
    return [](http::request& r) -> asio::awaitable<http::response> {
        if (r.path != "/fast")
            co_await sleep_for(30s);
        co_return http::response{};
    };
}

// A standby: answers 307 to the same target at `base` (scheme://host:port).
http::handler redirect_to(std::string base)
{
    return [base](http::request& r) -> asio::awaitable<http::response> {
        http::response res;
        res.status = 307;
        res.headers.set("Location", base + r.target);
        co_return res;
    };
}

}  // namespace

ASYNC_TEST(http_client, keep_alive_reuses_one_connection)
{
    co_await with_server(local_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port());
        for (int i = 0; i < 5; ++i)
        {
            auto r = co_await c->send(get("/n/" + std::to_string(i)));
            EXPECT_TRUE(r.has_value());
            if (r)
            {
                EXPECT_EQ(r->headers.get("X-Path").value_or(""), "/n/" + std::to_string(i));
            }
        }
        EXPECT_EQ(srv.accepted_count(), 1u);
        EXPECT_EQ(c->connections_opened(), 1u);
        EXPECT_EQ(c->idle_connections(), 1u);
    });
}

ASYNC_TEST(http_client, pool_limit_queues_extra_requests)
{
    int in_flight = 0, max_in_flight = 0;
    auto h = [&](http::request&) -> asio::awaitable<http::response> {
        max_in_flight = std::max(max_in_flight, ++in_flight);
        co_await sleep_for(30ms);
        --in_flight;
        co_return http::response::text(200, "ok");
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        http::client_params p;
        p.max_connections = 2;
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port(), p);
        int ok = 0;
        auto one = [&]() -> asio::awaitable<void> {
            auto r = co_await c->send(get("/"));
            ok += (r && r->status == 200);
        };
        co_await (one() && one() && one());
        EXPECT_EQ(ok, 3);
        EXPECT_EQ(max_in_flight, 2);
        EXPECT_EQ(srv.accepted_count(), 2u);
        EXPECT_EQ(c->connections_opened(), 2u);
    });
}

ASYNC_TEST(http_client, cancelling_the_caller_stops_the_request_and_drops_the_connection)
{
    co_await with_server(local_params(), stuck_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port());
        std::optional<result<http::response>> got;
        auto request = [&]() -> asio::awaitable<void> { got = co_await c->send(get("/slow")); };
        auto start = std::chrono::steady_clock::now();
        co_await (request() || sleep_for(50ms));  // the timer wins; the request is cancelled
        EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
        EXPECT_TRUE(got.has_value());
        if (got)
        {
            EXPECT_FALSE(got->has_value());
            if (!*got)
            {
                EXPECT_EQ(got->error().code, errc::cancelled) << got->error().describe();
            }
        }
        EXPECT_EQ(c->idle_connections(), 0u) << "a cancelled connection must not go back to the pool";
        // The pool slot came back: the next request works, on a new connection.
        auto again = co_await c->send(get("/fast"));
        EXPECT_TRUE(again && again->status == 200);
        EXPECT_EQ(c->connections_opened(), 2u);
    });
}

ASYNC_TEST(http_client, deadline_against_a_slow_handler)
{
    co_await with_server(local_params(), stuck_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port());
        auto req = get("/v1/slow?token=secret");
        req.timeout = 100ms;
        auto start = std::chrono::steady_clock::now();
        auto r = co_await c->send(req);
        EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
        EXPECT_FALSE(r.has_value());
        if (!r)
        {
            EXPECT_EQ(r.error().code, errc::timeout);
            EXPECT_EQ(r.error().path, "/v1/slow");
            EXPECT_EQ(r.error().endpoint, "http://127.0.0.1:" + std::to_string(srv.port()));
            EXPECT_EQ(r.error().describe().find("secret"), std::string::npos);
        }
    });
}

ASYNC_TEST(http_client, idle_timeout_without_total_deadline)
{
    co_await with_server(local_params(), stuck_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        http::client_params p;
        p.retry.max_attempts = 1;
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port(), p);
        auto req = get("/");
        req.timeout = 0ms;
        req.idle_timeout = 100ms;
        auto r = co_await c->send(req);
        EXPECT_FALSE(r.has_value());
        if (!r)
        {
            EXPECT_EQ(r.error().code, errc::timeout);
        }
    });
}

ASYNC_TEST(http_client, retries_503_then_succeeds)
{
    int calls = 0;
    auto h = [&](http::request&) -> asio::awaitable<http::response> {
        co_return http::response::text(++calls < 3 ? 503 : 200, "x");
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port());
        auto r = co_await c->send(get("/"));
        EXPECT_TRUE(r && r->status == 200);
        EXPECT_EQ(calls, 3);
    });
}

ASYNC_TEST(http_client, post_is_not_retried_and_final_status_is_returned)
{
    int calls = 0;
    auto h = [&](http::request&) -> asio::awaitable<http::response> {
        ++calls;
        co_return http::response::text(503, "sealed");
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port());
        auto req = get("/");
        req.method = "POST";
        auto r = co_await c->send(req);
        EXPECT_TRUE(r && r->status == 503);
        EXPECT_EQ(calls, 1);
        // Marked idempotent by the caller: retried up to max_attempts, then the last 503 is returned.
        req.idempotent = true;
        r = co_await c->send(req);
        EXPECT_TRUE(r && r->status == 503);
        EXPECT_EQ(calls, 4);
    });
}

ASYNC_TEST(http_client, retry_after_is_honoured_and_capped)
{
    int calls = 0;
    auto h = [&](http::request&) -> asio::awaitable<http::response> {
        auto r = http::response::text(++calls == 1 ? 429 : 200, "x");
        r.headers.set("Retry-After", "2");
        co_return r;
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        http::client_params p;
        p.retry.max_retry_after = 300ms;
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port(), p);
        auto start = std::chrono::steady_clock::now();
        auto r = co_await c->send(get("/"));
        auto took = std::chrono::steady_clock::now() - start;
        EXPECT_TRUE(r && r->status == 200);
        EXPECT_GE(took, 300ms) << "backoff alone is at most 5 ms here; the wait came from Retry-After";
        EXPECT_LT(took, 1500ms) << "Retry-After must be capped";
    });
}

ASYNC_TEST(http_client, connection_refused_is_a_transport_error)
{
    auto ex = co_await asio::this_coro::executor;
    std::uint16_t port = 0;
    {
        auto srv = http::server::create(ex, local_params(), echo_handler());
        port = (*srv)->port();
    }  // closed: nothing listens there now
    auto c = make_client(ex, port);
    auto r = co_await c->send(get("/v1/x"));
    EXPECT_FALSE(r.has_value());
    if (!r)
    {
        EXPECT_EQ(r.error().code, errc::transport_error) << r.error().describe();
        EXPECT_EQ(r.error().path, "/v1/x");
    }
}

ASYNC_TEST(http_client, redirect_307_is_followed_with_method_and_body)
{
    http::request seen;
    auto active = [&](http::request& r) -> asio::awaitable<http::response> {
        seen = r;
        co_return http::response::text(200, "active");
    };
    co_await with_server(local_params(), active, [&](http::server& act) -> asio::awaitable<void> {
        auto standby = redirect_to("http://127.0.0.1:" + std::to_string(act.port()));
        co_await with_server(local_params(), standby, [&](http::server& sb) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
            http::client_params p;
            p.trusted_redirects.push_back({"http", "127.0.0.1", act.port()});  // a node of the same cluster
            auto c = make_client(ex, sb.port(), p);
            auto req = get("/v1/sys/rekey/init?x=1");
            req.method = "PUT";
            req.body = R"({"secret_shares":5})";
            auto r = co_await c->send(req);
            EXPECT_TRUE(r && r->status == 200 && r->body == "active");
        });
    });
    EXPECT_EQ(seen.method, "PUT");
    EXPECT_EQ(seen.target, "/v1/sys/rekey/init?x=1");
    EXPECT_EQ(seen.body, R"({"secret_shares":5})");
}

// Issue 15, "Redirects": a 307 to another loopback port (not a configured node) is refused and the token
// header never reaches it; the error names both endpoints.
ASYNC_TEST(http_client, redirect_elsewhere_is_refused_without_sending_credentials)
{
    int reached = 0;
    bool got_token = false;
    auto other = [&](http::request& r) -> asio::awaitable<http::response> {
        ++reached;
        got_token = got_token || r.headers.contains("X-Vault-Token");
        co_return http::response::text(200, "stolen");
    };
    co_await with_server(local_params(), other, [&](http::server& evil) -> asio::awaitable<void> {
        std::string location = "http://127.0.0.1:" + std::to_string(evil.port()) + "/steal?k=v";
        auto sender = [&](http::request&) -> asio::awaitable<http::response> {
            http::response res;
            res.status = 307;
            res.headers.set("Location", location);
            co_return res;
        };
        co_await with_server(local_params(), sender, [&](http::server& sb) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
            http::client_params p;
            int asked = 0;
            p.vouch_redirect = [&asked](http::endpoint) -> asio::awaitable<bool> {
                ++asked;
                co_return false;
            };
            auto c = make_client(ex, sb.port(), p);
            auto req = get("/v1/auth/approle/login");
            req.method = "PUT";
            req.headers.set("X-Vault-Token", "s.very-secret");
            req.body = R"({"secret_id":"shh"})";
            auto r = co_await c->send(req);
            EXPECT_FALSE(r.has_value());
            if (!r)
            {
                auto d = r.error().describe();
                EXPECT_EQ(r.error().code, errc::bad_response) << d;
                EXPECT_NE(d.find("http://127.0.0.1:" + std::to_string(sb.port())), std::string::npos) << d;
                EXPECT_NE(d.find("http://127.0.0.1:" + std::to_string(evil.port())), std::string::npos) << d;
                EXPECT_EQ(d.find("very-secret"), std::string::npos) << d;
                EXPECT_EQ(d.find("steal"), std::string::npos) << d;
            }
            EXPECT_EQ(asked, 1);
        });
    });
    EXPECT_EQ(reached, 0);
    EXPECT_FALSE(got_token);
}

// Issue 15, "Redirects": an endpoint the vouch hook confirms (the Vault client asks sys/leader) is followed
// and trusted from then on.
ASYNC_TEST(http_client, redirect_vouched_endpoint_is_followed_and_trusted)
{
    auto active = [](http::request&) -> asio::awaitable<http::response> {
        co_return http::response::text(200, "active");
    };
    co_await with_server(local_params(), active, [&](http::server& act) -> asio::awaitable<void> {
        auto standby = redirect_to("http://127.0.0.1:" + std::to_string(act.port()));
        co_await with_server(local_params(), standby, [&](http::server& sb) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
            http::client_params p;
            int asked = 0;
            std::uint16_t expected = act.port();
            p.vouch_redirect = [&asked, expected](http::endpoint to) -> asio::awaitable<bool> {
                ++asked;
                co_return to.port == expected;
            };
            auto c = make_client(ex, sb.port(), p);
            for (int i = 0; i < 2; ++i)
            {
                auto r = co_await c->send(get("/v1/x"));
                EXPECT_TRUE(r && r->status == 200 && r->body == "active");
            }
            EXPECT_EQ(asked, 1);
        });
    });
}

ASYNC_TEST(http_client, redirect_loops_are_bounded)
{
    int calls = 0;
    auto loop = [&](http::request& r) -> asio::awaitable<http::response> {
        ++calls;
        http::response res;
        res.status = 307;
        res.headers.set("Location", r.target);
        co_return res;
    };
    co_await with_server(local_params(), loop, [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port());
        auto r = co_await c->send(get("/x"));
        EXPECT_TRUE(r && r->status == 307);
        EXPECT_EQ(calls, 4);  // the first request and max_redirects (3) follow-ups
    });
}

ASYNC_TEST(http_client, buffered_body_over_limit_is_too_large)
{
    auto big = [](http::request&) -> asio::awaitable<http::response> {
        co_return http::response::text(200, std::string(100000, 'x'));
    };
    co_await with_server(local_params(), big, [&](http::server& srv) -> asio::awaitable<void> {
        http::client_params p;
        p.max_response_body = 1000;
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port(), p);
        auto r = co_await c->send(get("/"));
        EXPECT_FALSE(r.has_value());
        if (!r)
        {
            EXPECT_EQ(r.error().code, errc::too_large);
        }
    });
}

ASYNC_TEST(http_client, default_and_request_headers_are_sent)
{
    http::request seen;
    auto h = [&](http::request& r) -> asio::awaitable<http::response> {
        seen = r;
        co_return http::response{};
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        http::client_params p;
        p.default_headers.set("X-Vault-Request", "true");
        p.default_headers.set("X-Override", "client");
        auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
        auto c = make_client(ex, srv.port(), p);
        auto req = get("/");
        req.method = "LIST";
        req.headers.set("X-Vault-Token", "tok");
        req.headers.set("X-Override", "request");
        auto r = co_await c->send(req);
        EXPECT_TRUE(r.has_value());
    });
    EXPECT_EQ(seen.method, "LIST");
    EXPECT_EQ(seen.headers.get("X-Vault-Request").value_or(""), "true");
    EXPECT_EQ(seen.headers.get("X-Vault-Token").value_or(""), "tok");
    EXPECT_EQ(seen.headers.get("X-Override").value_or(""), "request");
    EXPECT_TRUE(seen.headers.get("Host").value_or("").starts_with("127.0.0.1:"));
}

ASYNC_TEST(http_client, cancelled_waiter_leaves_the_queue_without_losing_the_slot)
{
    co_await with_server(local_params(), stuck_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        http::client_params p;
        p.max_connections = 1;
        auto ex = co_await asio::this_coro::executor;
        auto c = make_client(ex, srv.port(), p);
        auto slow = get("/slow");
        slow.timeout = 150ms;
        std::optional<result<http::response>> queued;
        auto waiter = [&]() -> asio::awaitable<void> { queued = co_await c->send(get("/fast")); };
        // The slow request holds the only connection; the second waits in the queue and is cancelled.
        auto both = [&]() -> asio::awaitable<void> {
            co_await (waiter() || sleep_for(50ms));
            auto r = co_await c->send(slow);
            EXPECT_FALSE(r.has_value());
        };
        co_await (c->send(slow) && both());
        EXPECT_TRUE(queued && !*queued && (*queued).error().code == errc::cancelled);
        auto fast = get("/fast");
        auto r = co_await c->send(fast);
        EXPECT_TRUE(r && r->status == 200) << "the slot must have come back";
    });
}

ASYNC_TEST(http_client, connection_closed_by_the_server_while_idle_is_not_reused)
{
    auto sp = local_params();
    sp.idle_timeout = 30ms;
    co_await with_server(sp, echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = make_client(ex, srv.port());
        auto req = get("/");
        req.method = "POST";  // not retried: only the liveness check can save it
        auto r1 = co_await c->send(req);
        EXPECT_TRUE(r1 && r1->status == 200);
        EXPECT_TRUE(co_await eventually([&] { return srv.connection_count() == 0; }));
        auto r2 = co_await c->send(req);
        EXPECT_TRUE(r2 && r2->status == 200) << (r2 ? "" : r2.error().describe());
        EXPECT_EQ(c->connections_opened(), 2u);
    });
}
