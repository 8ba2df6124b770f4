// What a reload compares: the configuration as resolved (secret files and environment variables read, files
// named by the config fingerprinted), and which jobs a change of a shared block (vaults, consuls, ha)
// reaches.
#ifndef VAULTKEEPER_SERVER_CORE_CONFIG_RELOAD_HPP
#define VAULTKEEPER_SERVER_CORE_CONFIG_RELOAD_HPP

#include "core/config.hpp"

#include <boost/json/value.hpp>
#include <string>
#include <vector>

namespace vk {

// `raw` with every secret reference ({"file": p} / {"env": n}) and every file a "*_file" or "ca_path" key
// names (TLS certificates and keys, CA bundles, a JWT) carrying a digest of what it holds now: equal views
// mean equal values, so a rotated token or certificate behind an unchanged path is a change. Unreadable files
// digest as "unreadable". The digests are for comparison in memory only; never log the view.
boost::json::value resolved_view(const boost::json::value& raw);

// Fills cfg.resolved and each job's resolved from their raw JSON, plus what the environment supplied outside
// the JSON and names a file (VAULT_CACERT, under "vaults/<name>/effective_ca_file").
void resolve(config& cfg);

// The jobs of `old` to restart because of a shared block `next` changed (compared resolved):
// every job when the ha block or the consul it locks through changed; otherwise each job that names a vault
// or consul (any string of its settings equal to the name) whose block changed or went away. Jobs whose own
// settings changed are not listed here (job_set::apply compares them).
std::vector<std::string> jobs_hit_by_shared_changes(const config& old, const config& next);

// True when admin.tls names the same files in both but what they hold changed (a renewed certificate): the
// admin server can swap them in place.
bool admin_tls_rotated(const config& old, const config& next);

}  // namespace vk

#endif
