#include "cloud/model/azure_identity.hpp"

#include <boost/url/parse.hpp>

namespace vk::cloud::azure {
namespace {

bool loopback(std::string_view host)
{
    return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

// https anywhere; plain http only to loopback (tests) or, for IMDS, its link-local address.
result<std::string> checked_origin(std::string url, std::string_view what, bool imds)
{
    while (url.ends_with('/'))
        url.pop_back();
    auto u = boost::urls::parse_uri(url);
    if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty())
        return make_error(errc::invalid_argument, std::string(what) + " is not an http(s) URL");
    auto host = u->encoded_host();
    if (u->scheme() == "http" && !loopback(host) && !(imds && host == "169.254.169.254"))
        return make_error(errc::invalid_argument, std::string(what) + " over http only to loopback" +
                                                      (imds ? " or 169.254.169.254" : "") + " (use https)");
    return url;
}

}  // namespace

const std::vector<std::string_view>& identity_variables()
{
    static const std::vector<std::string_view> names = {"AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID",
                                                        "AZURE_TENANT_ID", "AZURE_AUTHORITY_HOST",
                                                        "AZURE_POD_IDENTITY_AUTHORITY_HOST"};
    return names;
}

result<token_plan> plan_token_source(const identity_settings& s, const env_map& env)
{
    auto token_file = env_value(env, "AZURE_FEDERATED_TOKEN_FILE");
    auto env_client = env_value(env, "AZURE_CLIENT_ID");
    auto tenant = env_value(env, "AZURE_TENANT_ID");
    if (token_file && env_client && tenant)
    {
        auto authority =
            checked_origin(env_value(env, "AZURE_AUTHORITY_HOST").value_or(std::string(default_authority)),
                           "AZURE_AUTHORITY_HOST", false);
        if (!authority)
            return authority.error();
        return token_plan{workload_identity_source{*authority, *tenant, *env_client, *token_file},
                          "workload identity (tenant " + *tenant + ", client " + *env_client + ")"};
    }
    auto endpoint = checked_origin(
        env_value(env, "AZURE_POD_IDENTITY_AUTHORITY_HOST").value_or(std::string(imds_default_host)),
        "AZURE_POD_IDENTITY_AUTHORITY_HOST", true);
    if (!endpoint)
        return endpoint.error();
    // The storage's own client_id wins over the environment's (one daemon, several identities).
    auto client = s.client_id ? s.client_id : env_client;
    auto description =
        client ? "managed identity (user-assigned " + *client + ")" : "managed identity (system-assigned)";
    return token_plan{managed_identity_source{*endpoint, client}, std::move(description)};
}

}  // namespace vk::cloud::azure
