// k8s-sim's HTTP front: the core/v1 Secrets endpoints of a Kubernetes API server over the pure secret_store,
// with bearer-token authentication, Status errors, label/field selectors and optional persistence.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_K8S_SIM_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_K8S_SIM_HPP

#include "common/http.hpp"
#include "common/server.hpp"
#include "secret_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <string>

namespace ksim {

struct options
{
    std::string token;     // the one bearer token accepted (a service account's)
    std::string data_dir;  // "" = in memory only; else secrets.json there, rewritten after every change
};

class sim
{
public:
    // Loads data_dir/secrets.json when it exists; throws std::runtime_error when it cannot be read.
    explicit sim(options opts, secret_store::stamper stamp = {});

    // The listener's handler.
    boost::asio::awaitable<simc::response> handle(simc::request& req);
    // Synchronous core of handle() (unit tests call it directly).
    simc::response answer(const simc::request& req);
    // /_sim/k8s/state, /_sim/k8s/token, /_sim/k8s/clear; /_sim/reset restores the initial token.
    void add_control_routes(simc::server& srv);

    secret_store& store() { return store_; }

private:
    simc::response list(const simc::request& req, const std::string& ns);
    simc::response create(const simc::request& req, const std::string& ns);
    simc::response read(const std::string& ns, const std::string& name);
    simc::response replace(const simc::request& req, const std::string& ns, const std::string& name);
    simc::response remove(const simc::request& req, const std::string& ns, const std::string& name);
    simc::response resource(const simc::request& req, const std::string& ns, const std::string& name,
                            bool item);
    bool authorised(const simc::request& req) const;
    // Writes the table to data_dir (when set) after a change.
    void persist();

    options opts_;
    std::string initial_token_;
    secret_store store_;
};

// A Status answer (Content-Type application/json, the Status's code as HTTP status).
simc::response status_response(const status& st);

}  // namespace ksim

#endif
