// Reading one value from a configured source: Vault KV (v1/v2), Consul KV, a file under a root, the
// environment, or an HTTP GET; or one listing (Consul keys under a prefix, a Vault KV folder's names).
// "Not there" is a value (fetched.present == false; an empty listing), not an error.
#ifndef VAULTKEEPER_SERVER_EMISSARY_SOURCES_HPP
#define VAULTKEEPER_SERVER_EMISSARY_SOURCES_HPP

#include "consul/client.hpp"
#include "emissary/model/render.hpp"
#include "emissary/model/settings.hpp"
#include "http/client.hpp"
#include "vault/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <string>

namespace vk::emissary {

// The clients of one source, built once per job.
struct source_clients
{
    source_config cfg;
    std::unique_ptr<vault::client> vault;
    bool vault_started = false;
    std::unique_ptr<consul::client> consul;
    std::unique_ptr<http::client> http;
    std::string http_prefix;  // the path part of base_url
};

// A vault source's client logs in lazily, at its first request (this one).
boost::asio::awaitable<result<void>> ensure_started(source_clients& s);

// Builds the clients of every source; errc::invalid_argument naming the source when one cannot be built.
result<std::map<std::string, source_clients>>
make_sources(boost::asio::any_io_executor ex, const vk::config& cfg,
             const std::map<std::string, source_config>& sources);

boost::asio::awaitable<result<fetched>> fetch(source_clients& s, const std::string& path);
// One dependency: a value as fetch(), a Consul listing (every key under the prefix, recursively) or a Vault
// KV folder's names (LIST; a missing folder is an empty list).
boost::asio::awaitable<result<fetched>> fetch(source_clients& s, const dependency& d);

// A Consul answer for a prefix as the `tree` dependency records it.
fetched listing_of(const std::vector<consul::kv_entry>& entries);

// Vault: "<mount>/<path>" split by the source's mount (or the first segment).
std::pair<std::string, std::string> vault_mount_and_path(const source_config& s, const std::string& path);

}  // namespace vk::emissary

#endif
