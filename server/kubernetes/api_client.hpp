// One Kubernetes API server, as the daemon's parts that talk to it share it (the keeper's kubernetes stores,
// the HA Lease lock): requests with the bearer token, a rotated service-account token re-read on 401.
#ifndef VAULTKEEPER_SERVER_KUBERNETES_API_CLIENT_HPP
#define VAULTKEEPER_SERVER_KUBERNETES_API_CLIENT_HPP

#include "core/error.hpp"
#include "http/client.hpp"
#include "kubernetes/cluster.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

namespace vk::kubernetes {

class api_client
{
public:
    // Builds the HTTP client (TLS from a.ca_file or a.ca_pem, else the system CAs); nothing is sent.
    // errc::invalid_argument for a bad api_server URL or an unusable CA.
    static result<std::unique_ptr<api_client>> create(boost::asio::any_io_executor ex, access a);

    // One request: `target` is the path and query ("/api/v1/namespaces/x/secrets"), `body` JSON or "" (then
    // no Content-Type). Sent with Authorization: Bearer <token>; on a 401 a file-backed token is re-read once
    // and, when it changed, the request is sent again with it. Any status is a response; errors are the HTTP
    // client's (transport, timeout, cancelled...). Token values never appear in errors or logs.
    boost::asio::awaitable<result<http::response>> send(std::string method, std::string target,
                                                        std::string body);

    // "https://host:port" of the API server, for error context.
    const std::string& endpoint() const;

private:
    api_client(std::unique_ptr<http::client> http, access a);
    boost::asio::awaitable<result<http::response>>
    send_once(const std::string& method, const std::string& target, const std::string& body);
    bool reload_token();

    std::unique_ptr<http::client> http_;
    access access_;
    std::string endpoint_;
};

}  // namespace vk::kubernetes

#endif
