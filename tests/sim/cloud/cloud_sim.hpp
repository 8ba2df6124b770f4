// cloud-sim: the AWS credential endpoints on one listener, told apart by path — STS (POST / with a form:
// AssumeRoleWithWebIdentity, AssumeRole), EC2 instance metadata IMDSv2 (PUT /latest/api/token, GET
// /latest/meta-data/iam/security-credentials/[role]) and the ECS / EKS Pod Identity container endpoint (any
// other GET). Answers are shaped as AWS documents them; issued keys are deterministic per source and key
// generation, so tests can tell which source signed a request (see tests/sim/README.md).
#ifndef VAULTKEEPER_TESTS_SIM_CLOUD_CLOUD_SIM_HPP
#define VAULTKEEPER_TESTS_SIM_CLOUD_CLOUD_SIM_HPP

#include "common/http.hpp"
#include "common/server.hpp"
#include "gcp_sim.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace csim {

struct options
{
    std::string role_arn = "arn:aws:iam::123456789012:role/vaultkeeper";  // the web identity role
    std::string web_identity_token;  // "" = any non-empty token is accepted
    std::string container_token;     // the Authorization the container endpoint wants ("" = none)
    std::string instance_role = "vaultkeeper-instance";
    std::vector<std::string> known_access_keys;  // AssumeRole callers accepted besides the sim's own keys
    std::chrono::seconds ttl{3600};              // Expiration = now + ttl
    std::chrono::seconds clock_offset{0};        // the sim's clock (Expiration, Date) ahead of the real one
};

// Keys handed out: "ASIA" + source tag + "G" + generation, so equal until rotated.
struct issued
{
    std::string source;  // "web-identity", "assume-role", "imds", "container"
    std::string access_key_id;
};

class sim
{
public:
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;
    explicit sim(options opts, clock_fn now = {});

    boost::asio::awaitable<simc::response> handle(simc::request& req);
    simc::response answer(const simc::request& req);
    // POST /_sim/cloud/config, POST /_sim/cloud/rotate, GET /_sim/cloud/state; /_sim/reset restores the
    // start-up options and generation 1.
    void add_control_routes(simc::server& srv);

private:
    simc::response route(const simc::request& req);
    simc::response sts(const simc::request& req);
    simc::response web_identity(const std::map<std::string, std::string>& form);
    simc::response assume_role(const simc::request& req, const std::map<std::string, std::string>& form);
    simc::response imds_token(const simc::request& req);
    simc::response imds(const simc::request& req);
    simc::response container(const simc::request& req);
    // Keys for `source` at the current generation, recorded in the state.
    issued issue(const std::string& source);
    std::string expiration() const;
    std::chrono::system_clock::time_point clock() const;
    // Every answer carries Date on the sim's clock, as AWS's (and Google's) endpoints do.
    static simc::response dated(simc::response r, std::chrono::system_clock::time_point at);
    bool known_key(const std::string& id) const;

    options opts_, initial_;
    clock_fn now_;
    unsigned generation_ = 1;
    std::vector<issued> issued_;
    std::vector<std::string> assume_role_callers_;
    std::set<std::string> imds_tokens_;
    unsigned serial_ = 0;
    gcp_sim gcp_;  // the Google token endpoint and metadata server (gcp_sim.hpp)
};

// Form fields of an application/x-www-form-urlencoded body ('+' is a space); the first occurrence wins.
std::map<std::string, std::string> parse_form(std::string_view body);
// The timing keys every cloud-sim config route takes: "ttl_seconds" and "clock_offset_seconds", when present.
void read_timing(const boost::json::object& o, std::chrono::seconds& ttl, std::chrono::seconds& clock_offset);
// An HTTP Date header's value (RFC 1123, GMT).
std::string http_date(std::chrono::system_clock::time_point at);
// The access key id of a SigV4 Authorization header ("" when it is not one).
std::string sigv4_access_key(std::string_view authorization);

}  // namespace csim

#endif
