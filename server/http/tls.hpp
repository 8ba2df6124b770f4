// Internal: OpenSSL contexts for the HTTP client and server, built from tls_*_options.
#ifndef VAULTKEEPER_SERVER_HTTP_TLS_HPP
#define VAULTKEEPER_SERVER_HTTP_TLS_HPP

#include "core/error.hpp"
#include "http/tls_options.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace vk::http::detail {

// TLS 1.2+ client context: verify_peer unless skip_verify, system CAs plus ca_file/ca_path, optional client
// certificate. Returns errc::invalid_argument naming the file that could not be loaded.
result<std::shared_ptr<boost::asio::ssl::context>> make_client_context(const tls_client_options& o);

// TLS 1.2+ server context with the given certificate chain and key; errc::invalid_argument on bad files.
result<std::shared_ptr<boost::asio::ssl::context>> make_server_context(const tls_server_options& o);

}  // namespace vk::http::detail

#endif
