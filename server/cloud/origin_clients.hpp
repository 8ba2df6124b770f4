// The HTTP clients a credential provider talks to its token endpoints through, one per origin, made at first
// use: no redirects (they would re-send credentials), a short deadline, any status returned as a response.
#ifndef VAULTKEEPER_SERVER_CLOUD_ORIGIN_CLIENTS_HPP
#define VAULTKEEPER_SERVER_CLOUD_ORIGIN_CLIENTS_HPP

#include "core/error.hpp"
#include "http/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace vk::cloud {

class origin_clients
{
public:
    explicit origin_clients(boost::asio::any_io_executor ex,
                            std::chrono::seconds timeout = std::chrono::seconds(10))
        : ex_(std::move(ex)),
          timeout_(timeout)
    {
    }

    // Sends `req` to `url` (its target replaced by the URL's path and query). errc::invalid_argument for a
    // bad URL; transport failures as the client reports them.
    boost::asio::awaitable<result<http::response>> send(const std::string& url, http::client_request& req);

private:
    boost::asio::any_io_executor ex_;
    std::chrono::seconds timeout_;
    std::map<std::string, std::unique_ptr<http::client>> clients_;
};

}  // namespace vk::cloud

#endif
