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

inline constexpr metrics::family objects_under_old_kek{
    "vaultkeeper_keeper_objects_under_old_kek",
    "Objects of a store still sealed under a previous key-encryption key (label store)"};
inline constexpr metrics::family old_kek_age{
    "vaultkeeper_keeper_old_kek_age_seconds",
    "Seconds since objects under a previous key-encryption key were first seen in a store (0 when none)"};
inline constexpr metrics::family kek_rotation_grace{
    "vaultkeeper_keeper_kek_rotation_grace_seconds",
    "The job's kek_rotation_grace: how long objects may stay under a previous key before an alert"};

inline constexpr metrics::family objects_under_old_wrap{
    "vaultkeeper_keeper_objects_under_old_wrap",
    "Objects of a transit store whose data key is wrapped under an older transit key version (label store)"};
inline constexpr metrics::family transit_lowest_wrap_version{
    "vaultkeeper_keeper_transit_lowest_wrap_version",
    "The lowest transit key version wrapping an object of a store, as the last read found (label store)"};
inline constexpr metrics::family transit_latest_version{
    "vaultkeeper_keeper_transit_latest_version",
    "The transit key's latest_version, as last read (label store)"};
inline constexpr metrics::family transit_min_decryption_version{
    "vaultkeeper_keeper_transit_min_decryption_version",
    "The transit key's min_decryption_version, as last read (label store)"};

}  // namespace vk::keeper::metric

#endif
