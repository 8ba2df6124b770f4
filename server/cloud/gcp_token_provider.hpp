// The OAuth access tokens of one GCS storage: the source of cloud/model/gcp_chain (a service account key
// file's JWT grant, or the GCE / GKE metadata server) decided at first use, the token cached and refreshed
// before it expires (the refresh windows of cloud/model/aws_refresh, with Google's figures). Concurrent
// callers share one fetch. No token, assertion or key is ever logged or put in an error.
#ifndef VAULTKEEPER_SERVER_CLOUD_GCP_TOKEN_PROVIDER_HPP
#define VAULTKEEPER_SERVER_CLOUD_GCP_TOKEN_PROVIDER_HPP

#include "cloud/model/aws_refresh.hpp"
#include "cloud/model/gcp_chain.hpp"
#include "cloud/model/gcp_token.hpp"
#include "core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>

namespace vk::cloud::gcp {

struct provider_settings
{
    std::optional<std::string> key_file;  // "service_account_key_file"; else Application Default Credentials
    aws::refresh_windows windows{refresh_threshold, last_usable};
};

// The plan from this process's environment and the key file (read now; nothing fetched): what
// --check-config reports.
result<token_plan> plan_from_environment(const provider_settings& s);

class token_provider
{
public:
    // No I/O: the source is decided at the first current().
    token_provider(provider_settings s, boost::asio::any_io_executor ex);
    ~token_provider();
    token_provider(const token_provider&) = delete;
    token_provider& operator=(const token_provider&) = delete;

    // The access token for the next request's "Authorization: Bearer". Errors name the source and its
    // endpoint. The provider must outlive the call.
    boost::asio::awaitable<result<std::string>> current();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::cloud::gcp

#endif
