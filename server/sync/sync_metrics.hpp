// The sync kind's metric families (labels: job, plus op for operations), written once for both roles.
#ifndef VAULTKEEPER_SERVER_SYNC_SYNC_METRICS_HPP
#define VAULTKEEPER_SERVER_SYNC_SYNC_METRICS_HPP

#include "metrics/family.hpp"

namespace vk::sync::metric {

inline constexpr metrics::family operations{
    "vaultkeeper_sync_operations_total",
    "Secrets added, updated, deleted or repaired by sync jobs, and sync info keys written"};
inline constexpr metrics::family secrets{"vaultkeeper_sync_secrets",
                                         "Secrets in the sync info (origin: published; destination: synced)"};
inline constexpr metrics::family lag{"vaultkeeper_sync_lag_seconds",
                                     "Time since an origin change this destination has not applied"};
inline constexpr metrics::family failed_paths{"vaultkeeper_sync_failed_paths",
                                              "Paths that failed in the last destination cycle"};
inline constexpr metrics::family bucket_fill{
    "vaultkeeper_sync_bucket_fill_ratio",
    "Largest sync bucket as a fraction of the 392192 bytes a bucket may hold (one Consul transaction)"};
inline constexpr metrics::family deletes_held{"vaultkeeper_sync_deletes_held",
                                              "Deletes held by the deletion guard, waiting for approval"};
inline constexpr metrics::family publish_held{
    "vaultkeeper_sync_publish_held",
    "Origin insights that would vanish from a publish the drop guard holds, waiting for approval"};

}  // namespace vk::sync::metric

#endif
