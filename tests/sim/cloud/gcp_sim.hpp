// cloud-sim's Google endpoints: the OAuth 2.0 token endpoint of a service account's JWT grant (POST /token,
// as https://oauth2.googleapis.com/token) and the GCE / GKE metadata server's service account routes
// (/computeMetadata/v1/instance/service-accounts/...). The token endpoint verifies the assertion's RS256
// signature with the public key registered for its iss at the control endpoint, and its aud, iat and exp,
// answering and refusing as Google documents. Tokens are "ya29.cloudsim-<source>-<n>", n counting every
// token issued, so tests can tell which fetch authorised a request.
#ifndef VAULTKEEPER_TESTS_SIM_CLOUD_GCP_SIM_HPP
#define VAULTKEEPER_TESTS_SIM_CLOUD_GCP_SIM_HPP

#include "common/http.hpp"
#include "common/server.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace csim {

struct gcp_options
{
    std::chrono::seconds ttl{3599};        // expires_in
    std::chrono::seconds clock_offset{0};  // the sim's clock (iat checks, Date) ahead of the real one
    std::string metadata_email = "vaultkeeper@cloud-sim.iam.gserviceaccount.com";
};

class gcp_sim
{
public:
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;
    explicit gcp_sim(clock_fn now);

    // True for the paths served here.
    static bool serves(const simc::request& req);
    simc::response answer(const simc::request& req);
    // POST /_sim/cloud/gcp/config, POST /_sim/cloud/gcp/keys, GET /_sim/cloud/gcp/state; /_sim/reset
    // forgets keys, tokens and options.
    void add_control_routes(simc::server& srv);
    // Registers the public key (PEM) of a service account.
    void add_key(std::string client_email, std::string public_pem);
    std::chrono::system_clock::time_point clock() const;

private:
    simc::response token(const simc::request& req);
    simc::response metadata(const simc::request& req);
    // The reason the assertion is refused (Google's error_description), "" when it is good.
    std::string check_assertion(const std::string& jwt, const std::string& audience) const;
    std::string issue(const std::string& source);

    clock_fn now_;
    gcp_options opts_;
    std::map<std::string, std::string> public_keys_;           // client_email -> PEM
    std::vector<std::pair<std::string, std::string>> issued_;  // (source, token)
};

}  // namespace csim

#endif
