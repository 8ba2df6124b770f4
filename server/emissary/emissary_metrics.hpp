// The emissary kind's metric families (label job, plus outcome for renders and command runs, vault and kind
// for the Vault requests of the version checks).
#ifndef VAULTKEEPER_SERVER_EMISSARY_EMISSARY_METRICS_HPP
#define VAULTKEEPER_SERVER_EMISSARY_EMISSARY_METRICS_HPP

#include "metrics/family.hpp"

namespace vk::emissary::metric {

inline constexpr metrics::family renders{
    "vaultkeeper_emissary_renders_total",
    "Template renders by outcome (written, unchanged, waiting, error, dry_run)"};
inline constexpr metrics::family waiting{"vaultkeeper_emissary_waiting_templates",
                                         "Templates still waiting for a value after the last cycle"};
inline constexpr metrics::family command_runs{
    "vaultkeeper_emissary_command_runs_total",
    "Commands run after a change, by outcome (ok, failed, timeout)"};
inline constexpr metrics::family vault_requests{
    "vaultkeeper_emissary_vault_requests_total",
    "Vault requests of the KV v2 version checks, by kind (check: a metadata read; read: a data read)"};

}  // namespace vk::emissary::metric

#endif
