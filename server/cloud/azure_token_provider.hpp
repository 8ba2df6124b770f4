// The OAuth tokens of one Azure storage (resource https://storage.azure.com/): the identity of
// cloud/model/azure_identity decided at first use from the settings and the environment, then fetched
// (IMDS, or the federated token exchanged at the Microsoft identity platform), cached, and refreshed before
// expiry as azure-identity does (cloud/model/azure_token). Concurrent callers share one fetch. No access
// token or federated token is ever logged or put in an error.
#ifndef VAULTKEEPER_SERVER_CLOUD_AZURE_TOKEN_PROVIDER_HPP
#define VAULTKEEPER_SERVER_CLOUD_AZURE_TOKEN_PROVIDER_HPP

#include "cloud/model/azure_identity.hpp"
#include "core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace vk::cloud::azure {

struct provider_settings
{
    identity_settings identity;
    std::chrono::seconds refresh_before{300};  // azure-identity's refresh offset
};

// The plan for `s` from this process's environment (read now; nothing fetched): what --check-config
// reports.
result<token_plan> plan_from_environment(const identity_settings& s);

class token_provider
{
public:
    // No I/O: the identity is decided at the first current().
    token_provider(provider_settings s, boost::asio::any_io_executor ex);
    ~token_provider();
    token_provider(const token_provider&) = delete;
    token_provider& operator=(const token_provider&) = delete;

    // The access token for the next request's "Authorization: Bearer". Errors name the identity and its
    // endpoint. The provider must outlive the call.
    boost::asio::awaitable<result<std::string>> current();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::cloud::azure

#endif
