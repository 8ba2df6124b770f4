// The keeper kind's metric families (label job; outcome for unseals; step for the procedure).
#ifndef VAULTKEEPER_SERVER_KEEPER_KEEPER_METRICS_HPP
#define VAULTKEEPER_SERVER_KEEPER_KEEPER_METRICS_HPP

#include "metrics/family.hpp"

namespace vk::keeper::metric {

inline constexpr metrics::family sealed_nodes{
    "vaultkeeper_keeper_sealed_nodes",
    "Vault nodes seen sealed (or unreachable) at the end of the last cycle"};
inline constexpr metrics::family unseal_total{
    "vaultkeeper_keeper_unseal_total", "Unseal attempts of a sealed node by outcome (ok, wrong_key, failed)"};
inline constexpr metrics::family rekey_step{"vaultkeeper_keeper_rekey_step",
                                            "1 for the step the keeper's init/rekey procedure is in, else 0"};
inline constexpr metrics::family last_audit{
    "vaultkeeper_keeper_last_audit_success_timestamp_seconds",
    "When an audit last proved that the current shard set unseals this Vault (Unix time)"};

}  // namespace vk::keeper::metric

#endif
