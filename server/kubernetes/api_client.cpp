// api_client: the bearer token on every request, and the one re-read of a rotated token.
#include "kubernetes/api_client.hpp"

#include "core/log.hpp"
#include "core/read_file.hpp"

namespace vk::kubernetes {

namespace asio = boost::asio;

result<std::unique_ptr<api_client>> api_client::create(asio::any_io_executor ex, access a)
{
    http::client_params params;
    params.base_url = a.api_server;
    params.tls.ca_file = a.ca_file;
    params.tls.ca_pem = a.ca_pem;
    params.default_headers.set("Accept", "application/json");
    auto http = http::client::create(std::move(ex), std::move(params));
    if (!http)
        return http.error();
    return std::unique_ptr<api_client>(new api_client(std::move(*http), std::move(a)));
}

api_client::api_client(std::unique_ptr<http::client> http, access a)
    : http_(std::move(http)),
      access_(std::move(a)),
      endpoint_(http_->base().str())
{
}

const std::string& api_client::endpoint() const
{
    return endpoint_;
}

asio::awaitable<result<http::response>> api_client::send(std::string method, std::string target,
                                                         std::string body)
{
    auto res = co_await send_once(method, target, body);
    if (res && res->status == 401 && reload_token())
        res = co_await send_once(method, target, body);
    co_return res;
}

asio::awaitable<result<http::response>>
api_client::send_once(const std::string& method, const std::string& target, const std::string& body)
{
    http::client_request req;
    req.method = method;
    req.target = target;
    req.headers.set("Authorization", "Bearer " + access_.token.reveal());
    if (!body.empty())
    {
        req.headers.set("Content-Type", "application/json");
        req.body = body;
    }
    co_return co_await http_->send(req);
}

// True when the token came from a file and the file now holds a different token (projected service-account
// tokens rotate).
bool api_client::reload_token()
{
    const auto& source = access_.token.source();
    if (!source.starts_with("file "))
        return false;
    auto read = read_file(source.substr(5));
    auto value = without_line_end(read.value_or(""));
    if (!read || value.empty() || value == access_.token.reveal())
        return false;
    access_.token = secret(std::move(value), source);
    log::info("re-read the kubernetes service-account token", {{"api_server", endpoint_}});
    return true;
}

}  // namespace vk::kubernetes
