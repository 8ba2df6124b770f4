// Test helpers for the HTTP layer: run a vk::http::server around a test body, and talk raw bytes to it.
#ifndef VAULTKEEPER_TESTS_IO_HTTP_HELPERS_HPP
#define VAULTKEEPER_TESTS_IO_HTTP_HELPERS_HPP

#include "async_test.hpp"
#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <stdexcept>
#include <string>

namespace vk::test {

inline http::server_params local_params()
{
    http::server_params p;
    p.listen = "127.0.0.1:0";
    return p;
}

// Creates a server, runs it next to body(server), then stops it and waits until run() returned.
inline boost::asio::awaitable<void>
with_server(http::server_params params, http::handler h,
            std::function<boost::asio::awaitable<void>(http::server&)> body)
{
    using namespace boost::asio::experimental::awaitable_operators;
    auto ex = co_await boost::asio::this_coro::executor;
    auto created = http::server::create(ex, std::move(params), std::move(h));
    if (!created)
        throw std::runtime_error("server::create: " + created.error().describe());
    auto& srv = **created;
    auto drive = [&]() -> boost::asio::awaitable<void> {
        co_await body(srv);
        srv.stop();
    };
    co_await (srv.run() && drive());
}

// Connects to 127.0.0.1:port.
inline boost::asio::awaitable<boost::asio::ip::tcp::socket> connect_raw(std::uint16_t port)
{
    boost::asio::ip::tcp::socket s(co_await boost::asio::this_coro::executor);
    co_await s.async_connect({boost::asio::ip::make_address("127.0.0.1"), port}, boost::asio::use_awaitable);
    co_return s;
}

// Reads until the peer closes (or an error); returns what arrived.
inline boost::asio::awaitable<std::string> read_all(boost::asio::ip::tcp::socket& s)
{
    std::string out;
    char buf[4096];
    for (;;)
    {
        auto [ec, n] = co_await s.async_read_some(boost::asio::buffer(buf),
                                                  boost::asio::as_tuple(boost::asio::use_awaitable));
        out.append(buf, n);
        if (ec)
            co_return out;
    }
}

// Sends raw bytes on a new connection and returns everything the server sent until it closed.
inline boost::asio::awaitable<std::string> raw_exchange(std::uint16_t port, std::string bytes)
{
    auto s = co_await connect_raw(port);
    co_await boost::asio::async_write(s, boost::asio::buffer(bytes), boost::asio::use_awaitable);
    co_return co_await read_all(s);
}

inline http::handler echo_handler()
{
    return [](http::request& r) -> boost::asio::awaitable<http::response> {
        http::response res;
        res.headers.set("X-Method", r.method);
        res.headers.set("X-Path", r.path);
        res.body = r.body;
        co_return res;
    };
}

}  // namespace vk::test

#endif
