// HTTP clients to the credential endpoints of one identity (STS, instance metadata, token endpoints), one
// per origin, made at first use. Requests carry credentials, so redirects are never followed; a short
// deadline bounds each.
#ifndef VAULTKEEPER_SERVER_CLOUD_ENDPOINT_CLIENTS_HPP
#define VAULTKEEPER_SERVER_CLOUD_ENDPOINT_CLIENTS_HPP

#include "core/error.hpp"
#include "http/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace vk::cloud {

class endpoint_clients
{
public:
    explicit endpoint_clients(boost::asio::any_io_executor ex,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // Sends `req` to the URL (its target set from it); any status is a response.
    boost::asio::awaitable<result<http::response>> send(std::string url, http::client_request& req);

private:
    boost::asio::any_io_executor ex_;
    std::chrono::milliseconds timeout_;
    std::map<std::string, std::unique_ptr<http::client>> clients_;  // by origin
};

}  // namespace vk::cloud

#endif
