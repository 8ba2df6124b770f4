#include "cloud/endpoint_clients.hpp"

namespace vk::cloud {

endpoint_clients::endpoint_clients(boost::asio::any_io_executor ex, std::chrono::milliseconds timeout)
    : ex_(std::move(ex)),
      timeout_(timeout)
{
}

boost::asio::awaitable<result<http::response>> endpoint_clients::send(std::string url,
                                                                      http::client_request& req)
{
    auto where = http::parse_url(url);
    if (!where)
        co_return where.error();
    auto origin = where->where.str();
    auto& c = clients_[origin];
    if (!c)
    {
        http::client_params p;
        p.base_url = origin;
        p.timeout = timeout_;
        auto made = http::client::create(ex_, std::move(p));
        if (!made)
            co_return made.error();
        c = std::move(*made);
    }
    req.target = where->target;
    req.follow_redirects = false;
    req.idempotent = true;
    co_return co_await c->send(req);
}

}  // namespace vk::cloud
