// TLS on both sides with a self-signed certificate made by the test (openssl CLI into a temp dir):
// verification on by default, trust via ca_file (which replaces the system store), failures not retried,
// skip_verify, no https->http redirect.
#include "http/client.hpp"
#include "http/helpers.hpp"

#include <cstdlib>
#include <filesystem>

using namespace vk;
using namespace vk::test;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

struct cert_files
{
    std::string cert, key;
};

// A self-signed certificate: CN=localhost, SAN DNS:localhost and IP:127.0.0.1, in a per-process temp dir.
cert_files make_cert(const std::string& tag)
{
    auto dir = fs::temp_directory_path() / ("vk-http-tls-" + std::to_string(::getpid()) + "-" + tag);
    fs::create_directories(dir);
    cert_files f{(dir / "cert.pem").string(), (dir / "key.pem").string()};
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                      " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
                      " -keyout " +
                      f.key + " -out " + f.cert + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0)
        throw std::runtime_error("openssl could not create the test certificate");
    return f;
}

// One certificate for the whole run.
const cert_files& test_cert()
{
    static const cert_files files = make_cert("server");
    return files;
}

// Sets SSL_CERT_FILE (OpenSSL's "system store") for the scope of a test.
struct system_store_override
{
    explicit system_store_override(const std::string& file) { ::setenv("SSL_CERT_FILE", file.c_str(), 1); }
    ~system_store_override() { ::unsetenv("SSL_CERT_FILE"); }
};

http::server_params tls_params()
{
    auto p = local_params();
    p.tls = http::tls_server_options{test_cert().cert, test_cert().key};
    return p;
}

std::unique_ptr<http::client> tls_client(asio::any_io_executor ex, std::string base,
                                         http::tls_client_options tls)
{
    http::client_params p;
    p.base_url = std::move(base);
    p.tls = std::move(tls);
    p.retry.base_delay = std::chrono::milliseconds(5);
    return std::move(*http::client::create(ex, p));
}

http::tls_client_options trusting(std::string server_name = {})
{
    http::tls_client_options o;
    o.ca_file = test_cert().cert;
    o.server_name = std::move(server_name);
    return o;
}

http::tls_client_options insecure()
{
    http::tls_client_options o;
    o.skip_verify = true;
    return o;
}

std::string https_base(const http::server& s)
{
    return "https://127.0.0.1:" + std::to_string(s.port());
}

}  // namespace

ASYNC_TEST(http_tls, trusted_ca_verifies_and_connection_is_reused)
{
    co_await with_server(tls_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = tls_client(ex, https_base(srv), trusting());
        EXPECT_FALSE(c->skip_verify());
        for (int i = 0; i < 3; ++i)
        {
            http::client_request req;
            req.target = "/v1/sys/health";
            auto r = co_await c->send(req);
            EXPECT_TRUE(r && r->status == 200) << (r ? "" : r.error().describe());
        }
        EXPECT_EQ(srv.accepted_count(), 1u);
    });
}

ASYNC_TEST(http_tls, untrusted_certificate_fails_without_retry)
{
    co_await with_server(tls_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = tls_client(ex, https_base(srv), {});  // system CAs only
        http::client_request req;
        auto r = co_await c->send(req);
        EXPECT_FALSE(r.has_value());
        if (!r)
        {
            EXPECT_EQ(r.error().code, errc::transport_error);
            EXPECT_NE(r.error().message.find("TLS"), std::string::npos) << r.error().describe();
        }
        EXPECT_TRUE(co_await eventually([&] { return srv.accepted_count() >= 1; }));
        EXPECT_EQ(srv.accepted_count(), 1u) << "certificate failures are not retried";
    });
}

// Issue 15: a configured CA replaces the system trust store. The server's certificate is made "public" by
// putting it in the system store (SSL_CERT_FILE); a client configured with another CA must still refuse it.
ASYNC_TEST(http_tls, configured_ca_replaces_the_system_store)
{
    static const cert_files other_ca = make_cert("other-ca");
    system_store_override public_ca(test_cert().cert);
    co_await with_server(
        tls_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            http::client_request req;
            req.target = "/v1/sys/health";
            auto with_system_store = tls_client(ex, https_base(srv), {});
            auto r1 = co_await with_system_store->send(req);
            EXPECT_TRUE(r1 && r1->status == 200)
                << "without a CA the system store is trusted: " << (r1 ? "" : r1.error().describe());
            http::tls_client_options private_ca;
            private_ca.ca_file = other_ca.cert;
            auto with_private_ca = tls_client(ex, https_base(srv), private_ca);
            auto r2 = co_await with_private_ca->send(req);
            EXPECT_FALSE(r2.has_value())
                << "a certificate signed by another CA than the configured one is refused";
            if (!r2)
                EXPECT_EQ(r2.error().code, errc::transport_error);
        });
}

ASYNC_TEST(http_tls, wrong_server_name_fails_verification)
{
    co_await with_server(tls_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = tls_client(ex, https_base(srv), trusting("vault.example"));
        http::client_request req;
        auto r = co_await c->send(req);
        EXPECT_FALSE(r.has_value());
        // Named correctly, the same certificate passes.
        auto ok = tls_client(ex, https_base(srv), trusting("localhost"));
        auto r2 = co_await ok->send(req);
        EXPECT_TRUE(r2 && r2->status == 200) << (r2 ? "" : r2.error().describe());
    });
}

ASYNC_TEST(http_tls, skip_verify_accepts_and_is_visible)
{
    co_await with_server(tls_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = tls_client(ex, https_base(srv), insecure());
        EXPECT_TRUE(c->skip_verify());
        http::client_request req;
        auto r = co_await c->send(req);
        EXPECT_TRUE(r && r->status == 200);
    });
}

ASYNC_TEST(http_tls, plain_client_to_tls_server_fails_cleanly)
{
    co_await with_server(tls_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        http::client_params p;
        p.base_url = "http://127.0.0.1:" + std::to_string(srv.port());
        p.retry.max_attempts = 1;
        p.idle_timeout = std::chrono::milliseconds(2000);
        auto c = std::move(*http::client::create(ex, p));
        http::client_request req;
        auto r = co_await c->send(req);
        EXPECT_FALSE(r.has_value());
    });
}

ASYNC_TEST(http_tls, https_to_http_redirect_is_refused)
{
    co_await with_server(local_params(), echo_handler(), [&](http::server& plain) -> asio::awaitable<void> {
        std::string location = "http://127.0.0.1:" + std::to_string(plain.port()) + "/x";
        auto redirect = [&](http::request&) -> asio::awaitable<http::response> {
            http::response res;
            res.status = 307;
            res.headers.set("Location", location);
            co_return res;
        };
        co_await with_server(tls_params(), redirect, [&](http::server& srv) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto c = tls_client(ex, https_base(srv), trusting());
            http::client_request req;
            auto r = co_await c->send(req);
            EXPECT_FALSE(r.has_value());
            if (!r)
            {
                EXPECT_EQ(r.error().code, errc::bad_response);
            }
            EXPECT_EQ(plain.accepted_count(), 0u);
        });
    });
}

TEST(http_tls, bad_certificate_file_is_a_create_error)
{
    asio::io_context ctx;
    auto p = local_params();
    p.tls = http::tls_server_options{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
    auto s = http::server::create(ctx.get_executor(), p, echo_handler());
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, errc::invalid_argument);
    EXPECT_NE(s.error().message.find("/nonexistent/cert.pem"), std::string::npos);
    http::client_params cp;
    cp.base_url = "https://127.0.0.1:1";
    cp.tls.ca_file = "/nonexistent/ca.pem";
    auto c = http::client::create(ctx.get_executor(), cp);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, errc::invalid_argument);
}

// Issue 15, "SIGHUP must pick up rotated ... TLS certificates": reload_tls() swaps the admin server's
// certificate for new connections; unreadable files leave the old one in place.
ASYNC_TEST(http_tls, reload_tls_serves_the_new_certificate)
{
    static const cert_files renewed = make_cert("renewed");
    co_await with_server(tls_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        http::tls_client_options trusts_renewed;
        trusts_renewed.ca_file = renewed.cert;
        auto before = tls_client(ex, https_base(srv), trusts_renewed);
        http::client_request req;
        auto r1 = co_await before->send(req);
        EXPECT_FALSE(r1.has_value());  // still the first certificate
        auto bad = srv.reload_tls(http::tls_server_options{"/nonexistent/cert.pem", "/nonexistent/key.pem"});
        EXPECT_FALSE(bad.has_value());
        auto ok = srv.reload_tls(http::tls_server_options{renewed.cert, renewed.key});
        EXPECT_TRUE(ok.has_value());
        auto after = tls_client(ex, https_base(srv), trusts_renewed);
        auto r2 = co_await after->send(req);
        EXPECT_TRUE(r2 && r2->status == 200) << (r2 ? "" : r2.error().describe());
    });
}
