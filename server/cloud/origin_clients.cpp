#include "cloud/origin_clients.hpp"

namespace vk::cloud {

boost::asio::awaitable<result<http::response>> origin_clients::send(const std::string& url,
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
        p.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_);
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
