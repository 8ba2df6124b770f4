// k8s-sim's HTTP front: the core/v1 Secrets and coordination.k8s.io/v1 Leases endpoints of a Kubernetes API
// server over pure tables (object_front), with bearer-token authentication, Status errors, label/field
// selectors and optional persistence.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_K8S_SIM_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_K8S_SIM_HPP

#include "common/http.hpp"
#include "common/server.hpp"
#include "front_util.hpp"
#include "lease_store.hpp"
#include "object_front.hpp"
#include "secret_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <string>

namespace ksim {

struct options
{
    std::string token;  // the one bearer token accepted (a service account's)
    std::string
        data_dir;  // "" = in memory only; else secrets.json and leases.json there, rewritten on change
};

class sim
{
public:
    // Loads data_dir/secrets.json and leases.json when they exist; throws std::runtime_error when one cannot
    // be read. stamp gives created objects their uid and creationTimestamp (tests inject deterministic ones).
    explicit sim(options opts, secret_store::stamper stamp = {});

    // The listener's handler.
    boost::asio::awaitable<simc::response> handle(simc::request& req);
    // Synchronous core of handle() (unit tests call it directly).
    simc::response answer(const simc::request& req);
    // /_sim/k8s/state, /_sim/k8s/leases, /_sim/k8s/requests, /_sim/k8s/token, /_sim/k8s/clear; /_sim/reset
    // restores the initial token and empties the leases and the request log.
    void add_control_routes(simc::server& srv);

    secret_store& store() { return secrets_.store(); }
    lease_store& leases() { return leases_.store(); }
    // The authenticated API requests served, counted by "METHOD /path" ("?watch" appended to a watch).
    const std::map<std::string, std::uint64_t>& requests() const { return requests_; }

private:
    bool authorised(const simc::request& req) const;
    void record(const simc::request& req);

    options opts_;
    std::string initial_token_;
    object_front<secret> secrets_;
    object_front<lease> leases_;
    std::map<std::string, std::uint64_t> requests_;
};

}  // namespace ksim

#endif
