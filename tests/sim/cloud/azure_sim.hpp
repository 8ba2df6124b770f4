// cloud-sim's Azure token endpoints, on the same listener as the AWS ones: the instance metadata service's
// managed identity token endpoint (GET /metadata/identity/oauth2/token) and the Microsoft identity
// platform's v2 token endpoint (POST /{tenant}/oauth2/v2.0/token, client credentials with a federated
// token as client assertion). Answers and refusals are shaped as Microsoft documents them; the access tokens
// are unsigned JWTs azurite's `--oauth basic` accepts (aud https://storage.azure.com, iss
// https://sts.windows.net/<tenant>/, nbf/iat/exp on the real clock). See tests/sim/README.md.
#ifndef VAULTKEEPER_TESTS_SIM_CLOUD_AZURE_SIM_HPP
#define VAULTKEEPER_TESTS_SIM_CLOUD_AZURE_SIM_HPP

#include "common/http.hpp"
#include "common/server.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace csim {

struct azure_options
{
    std::string tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    std::string client_id = "a1b2c3d4-0000-4000-8000-00000000c11e";  // the workload identity's application
    std::string federated_token;           // the client_assertion wanted ("" = any non-empty one)
    std::string user_assigned_client_id;   // IMDS answers this client_id too ("" = system-assigned only)
    std::chrono::seconds ttl{3600};        // expires_in
    std::chrono::seconds clock_offset{0};  // expires_on and Date on the sim's clock, ahead of the real one
};

struct azure_issued
{
    std::string source;     // "imds" or "workload"
    std::string client_id;  // "" for the system-assigned identity
    std::string access_token;
};

class azure_sim
{
public:
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;
    explicit azure_sim(azure_options opts, clock_fn now = {});

    // The answer for an Azure token request, nullopt for any other path.
    std::optional<simc::response> answer(const simc::request& req);
    // POST /_sim/cloud/azure/config, GET /_sim/cloud/azure/state; /_sim/reset restores the start-up options.
    void add_control_routes(simc::server& srv);

private:
    std::optional<simc::response> route(const simc::request& req);
    simc::response imds(const simc::request& req);
    simc::response token(const simc::request& req, const std::string& tenant);
    std::string issue(const std::string& source, const std::string& client_id);
    std::chrono::system_clock::time_point clock() const;

    azure_options opts_, initial_;
    clock_fn now_;
    std::vector<azure_issued> issued_;
};

}  // namespace csim

#endif
