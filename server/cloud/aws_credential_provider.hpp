// The AWS credentials of one storage (S3 snapshot storages today, keeper shard stores later): the chain of
// cloud/model/aws_chain decided at first use from the settings, the environment and the shared files, then
// fetched (STS, container endpoint, instance metadata), cached, and refreshed before Expiration as botocore
// does (cloud/model/aws_refresh). Concurrent callers share one fetch. No credential, token or web identity
// token is ever logged or put in an error.
#ifndef VAULTKEEPER_SERVER_CLOUD_AWS_CREDENTIAL_PROVIDER_HPP
#define VAULTKEEPER_SERVER_CLOUD_AWS_CREDENTIAL_PROVIDER_HPP

#include "cloud/model/aws_chain.hpp"
#include "cloud/model/aws_refresh.hpp"
#include "core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

namespace vk::cloud::aws {

struct provider_settings
{
    chain_settings chain;
    std::string region = "us-east-1";
    std::string sts_endpoint;  // "" = default_sts_endpoint(region)
    refresh_windows windows;
};

// The plan for `s` from this process's environment and shared files (read now; nothing fetched): what
// --check-config reports.
result<credential_plan> plan_from_environment(const chain_settings& s);

class credential_provider
{
public:
    // No I/O: the chain is decided at the first current().
    credential_provider(provider_settings s, boost::asio::any_io_executor ex);
    ~credential_provider();
    credential_provider(const credential_provider&) = delete;
    credential_provider& operator=(const credential_provider&) = delete;

    // The credentials to sign the next request with. Errors name the source and its endpoint. The provider
    // must outlive the call.
    boost::asio::awaitable<result<sigv4::credentials>> current();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::cloud::aws

#endif
