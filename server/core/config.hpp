// The daemon's configuration as typed values, and its loader: JSON text -> config, or every problem with
// its JSON pointer. Job kinds parse their own keys through the kind_parsers they register.
#ifndef VAULTKEEPER_SERVER_CORE_CONFIG_HPP
#define VAULTKEEPER_SERVER_CORE_CONFIG_HPP

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config_inputs.hpp"
#include "core/config_reader.hpp"
#include "core/duration.hpp"
#include "core/scope.hpp"
#include "core/secret.hpp"
#include "core/tls_client_config.hpp"

namespace vk {

struct vault_auth_config
{
    std::string method = "token";  // token | approle | kubernetes | jwt
    std::optional<secret> token;   // token method (falls back to VAULT_TOKEN)
    std::string mount;  // the auth method's mount path ("mount" or "path"), default the method name
    std::optional<secret> role_id;
    std::optional<secret> secret_id;
    std::string role;  // kubernetes / jwt role
    // The file holding the JWT (kubernetes: jwt_file; jwt: token_file), read again at every login because
    // projected service-account tokens rotate.
    std::string jwt_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
};

// The largest buffered answer a Vault or Consul client accepts (`max_response_bytes`); a bigger one is
// errc::too_large naming the request's path. Below 64 KiB one Consul bucket or one LIST page would not fit.
inline constexpr std::int64_t default_max_response_bytes = 32 * 1024 * 1024;
inline constexpr std::int64_t min_max_response_bytes = 64 * 1024;
inline constexpr std::int64_t max_max_response_bytes = std::int64_t{1} << 30;

struct vault_config
{
    std::string name;
    std::string address;  // falls back to VAULT_ADDR
    vault_auth_config auth;
    std::string namespace_;  // X-Vault-Namespace, falls back to VAULT_NAMESPACE
    tls_client_config tls;   // ca_file falls back to VAULT_CACERT
    int max_connections = 32;
    duration request_timeout{std::chrono::seconds(30)};
    std::size_t max_response_bytes = default_max_response_bytes;
};

struct consul_config
{
    std::string name;
    std::string address;          // falls back to CONSUL_HTTP_ADDR
    std::optional<secret> token;  // falls back to CONSUL_HTTP_TOKEN
    std::string datacenter;
    tls_client_config tls;
    int max_connections = 16;
    duration request_timeout{std::chrono::seconds(30)};
    std::size_t max_response_bytes = default_max_response_bytes;
    // The emissary's blocking queries held on this agent, all jobs together: keys beyond it share recursive
    // queries (an agent refuses more than http_max_conns_per_client, 200 by default, from one client).
    std::size_t max_blocking_queries = 100;
};

// A Kubernetes cluster the daemon talks to (the HA Lease lock, the keeper's stores), in exactly one of three
// forms: in_cluster (the pod's service account under service_account_dir), kubeconfig (+ context, default
// its current-context) or explicit (api_server + token + ca_file). Files are read when the access is resolved
// (kubernetes/cluster.hpp), not at parse time.
struct kubernetes_config
{
    std::string name;
    bool in_cluster = false;
    std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    std::string kubeconfig, context, api_server;
    std::optional<secret> token;
    std::string ca_file;
};

// How a verified client certificate names a token entry: by one of its subject alternative names ("email:",
// "dns:" or "uri:" and the value, which may be a glob) or by its whole subject in RFC 2253 form
// ("CN=deployer,O=Example"). One of the two is set.
struct client_cert_match
{
    std::string san;
    std::string subject;
};

// One admin token: its name (shown by whoami and in the audit trail, never the token), what it may do and on
// which jobs. It is presented as a bearer token, a client certificate, or either.
struct admin_token
{
    std::string name;
    secret token;  // "" for an entry only a client certificate names
    std::optional<client_cert_match> client_cert;
    scope_set scopes;
    std::vector<std::string> jobs;  // globs over job names; empty: every job
};

struct admin_config
{
    std::string listen = "127.0.0.1:8290";
    secret token;                     // admin.token: the entry "admin" with every scope ("" when not given)
    std::vector<admin_token> tokens;  // admin.tokens
    std::optional<std::string> tls_cert_file;
    std::optional<std::string> tls_key_file;
    // admin.tls.client_ca_file: the listener asks for a client certificate and verifies it against this CA.
    std::optional<std::string> tls_client_ca_file;
    // admin.tls.require_client_cert: a connection without a verified certificate is refused, and so is every
    // bearer token (the certificate is the only credential).
    bool require_client_cert = false;
    // A listener off loopback without TLS sends the admin token in clear; only with this said explicitly.
    bool insecure_listen = false;
    // Names the admin API answers for besides IP literals and localhost (the Host header; DNS rebinding).
    std::vector<std::string> hosts;
};

// Whether the host part of a "host:port" listen address is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_listen(std::string_view listen);

struct log_config
{
    std::string level = "info";   // trace | debug | info | warn | error
    std::string format = "text";  // text | json
};

struct webhook_config
{
    std::string url;
    std::vector<std::pair<std::string, secret>> headers;
    duration timeout{std::chrono::seconds(10)};
    int max_attempts = 5;
    bool operator==(const webhook_config&) const = default;
};

// The job locks of replicas: Consul sessions (consul + key) or Kubernetes Leases (kubernetes + namespace_),
// exactly one of the two.
struct ha_config
{
    std::string consul;  // name of a configured consul
    std::string key;     // lock key prefix; each job locks <key>/<job name>
    // The longest a dead replica's jobs stay unattended before another replica takes them over.
    duration session_ttl{std::chrono::seconds(20)};
    // This replica's name, stored in the locks it holds; default "<hostname>-<pid>" with consul, env POD_NAME
    // else the hostname with kubernetes.
    std::string replica_id;

    std::string kubernetes;  // name of a configured kubernetes cluster
    std::string namespace_;  // "" = the cluster's default namespace (resolved with its access)
    std::string lease_prefix = "vaultkeeper-";  // each job locks the Lease <lease_prefix><job name>
    // client-go's leader election timings; lease_duration > renew_deadline > 1.2 x retry_period.
    duration lease_duration{std::chrono::seconds(15)};
    duration renew_deadline{std::chrono::seconds(10)};
    duration retry_period{std::chrono::seconds(2)};
    // Jobs spread evenly over the live replicas (each announces itself); false: first come takes all.
    bool balance = true;
};

// Kind-specific settings of a job, parsed and owned by the job kind.
struct job_settings
{
    virtual ~job_settings() = default;
};

struct job_config
{
    std::string name;
    std::string kind;
    duration interval{std::chrono::minutes(1)};
    duration timeout{std::chrono::minutes(5)};
    bool halt_on_fatal = false;
    bool enabled = true;
    std::shared_ptr<const job_settings> settings;
    boost::json::value raw;       // the job's JSON as written
    boost::json::value resolved;  // resolved_view(raw) at load: what a reload compares (config_reload.hpp)
};

// The audit trail of the admin API: every change requested through it, one JSON line each.
struct audit_config
{
    std::string file;  // "" = no audit file
    bool required =
        true;  // a line that cannot be written refuses the change (503) instead of acting unaudited
    bool webhook = false;  // each change and its outcome also go to notify.webhook
};

struct config
{
    std::string source;           // file name, for messages
    boost::json::value raw;       // the whole document as parsed
    boost::json::value resolved;  // resolved_view(raw) at load: what a reload compares (config_reload.hpp)
    admin_config admin;
    log_config log;
    audit_config audit;
    std::map<std::string, vault_config> vaults;
    std::map<std::string, consul_config> consuls;
    std::map<std::string, kubernetes_config> kubernetes;
    std::optional<webhook_config> webhook;
    std::optional<ha_config> ha;
    std::vector<job_config> jobs;
    // "FILE: /json/pointer: what", for problems that do not make the config unusable (a secret file readable
    // by others); errors instead with "strict_permissions": true.
    std::vector<std::string> warnings;

    const job_config* find_job(std::string_view name) const;
};

// Parses the kind-specific keys of one job; `cfg` has every top-level block parsed (vaults, consuls) so the
// kind can check references. Report problems through `r`; return nullptr when the settings are unusable.
using kind_parser = std::function<std::shared_ptr<const job_settings>(object_reader& r, const config& cfg)>;
using kind_parsers = std::map<std::string, kind_parser, std::less<>>;

struct config_errors
{
    std::string source;
    config_problems problems;
    // "FILE: /json/pointer: what is wrong", one line per problem.
    std::string render() const;
};

[[noreturn]] void throw_exception_from_error(const config_errors& e, const boost::source_location& loc);

// Parses and validates config text. `source` names the file in messages; `inputs` gives the files and
// environment variables the config refers to.
boost::system::result<config, config_errors> parse_config(std::string_view text, const std::string& source,
                                                          const kind_parsers& kinds,
                                                          const config_inputs& inputs = host_inputs());
// Wipes the admin tokens from `c` once the caller has their digests: the secrets themselves and their inline
// values in the raw and resolved JSON (names, scopes, jobs and certificate matches stay).
void forget_admin_tokens(config& c);

// Reads the file, then parse_config.
boost::system::result<config, config_errors> load_config(const std::string& path, const kind_parsers& kinds);

}  // namespace vk

#endif
