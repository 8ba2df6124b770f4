// simc::server over TLS: a listener with a certificate answers HTTPS and can be killed and restarted.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include "common/server.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// A throw-away self-signed certificate made by the openssl CLI (a test dependency of the project).
std::optional<simc::tls_files> make_certificate(const std::filesystem::path& dir)
{
    simc::tls_files files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
                      files.key_file + " -out " + files.cert_file + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0)
        return std::nullopt;
    return files;
}

// One HTTPS GET without certificate verification; status 0 when the exchange failed.
unsigned https_get(unsigned short port, const std::string& target, std::string& body)
{
    asio::io_context io;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    asio::ssl::stream<asio::ip::tcp::socket> stream(io, ctx);
    boost::system::error_code ec;
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec)
        stream.handshake(asio::ssl::stream_base::client, ec);
    if (ec)
        return 0;
    http::request<http::string_body> req{http::verb::get, target, 11};
    http::write(stream, req, ec);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res, ec);
    if (ec)
        return 0;
    body = res.body();
    return res.result_int();
}

}  // namespace

TEST(sim_common_tls, serves_https_and_survives_kill_and_restart)
{
    auto dir = std::filesystem::temp_directory_path() / ("sim_common_tls_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto files = make_certificate(dir);
    ASSERT_TRUE(files) << "openssl CLI failed";
    asio::io_context io{1};
    auto work = asio::make_work_guard(io);
    simc::server srv{io};
    auto id =
        srv.add_listener({"127.0.0.1", 0, files, [](simc::request& req) -> asio::awaitable<simc::response> {
                              co_return simc::text_response(200, "tls " + req.path);
                          }});
    ASSERT_FALSE(srv.start(id));
    auto port = srv.port(id);
    std::thread runner([&] { io.run(); });
    std::string body;
    EXPECT_EQ(https_get(port, "/hello", body), 200u);
    EXPECT_EQ(body, "tls /hello");
    std::promise<boost::system::error_code> restarted;
    asio::post(io, [&] {
        srv.stop(id);
        restarted.set_value(srv.start(id));
    });
    EXPECT_FALSE(restarted.get_future().get());
    EXPECT_EQ(https_get(port, "/again", body), 200u);
    EXPECT_EQ(body, "tls /again");
    asio::post(io, [&] {
        srv.stop_all();
        io.stop();
    });
    runner.join();
    std::filesystem::remove_all(dir);
}

TEST(sim_common_tls, unreadable_certificate_is_a_start_error)
{
    asio::io_context io{1};
    simc::server srv{io};
    auto id = srv.add_listener(
        {"127.0.0.1", 0, simc::tls_files{"/nonexistent/c.pem", "/nonexistent/k.pem"},
         [](simc::request&) -> asio::awaitable<simc::response> { co_return simc::response{}; }});
    EXPECT_TRUE(srv.start(id));
    EXPECT_FALSE(srv.running(id));
}
