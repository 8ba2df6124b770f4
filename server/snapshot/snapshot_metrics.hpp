// The snapshot kind's metric families (labels: job, plus storage and outcome where they apply).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_METRICS_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_METRICS_HPP

#include "metrics/family.hpp"

namespace vk::snapshot::metric {

inline constexpr metrics::family last_success{"vaultkeeper_snapshot_last_success_timestamp_seconds",
                                              "When the last snapshot was verified and stored everywhere"};
inline constexpr metrics::family size{"vaultkeeper_snapshot_size_bytes",
                                      "Size of the last verified snapshot"};
inline constexpr metrics::family uploads{"vaultkeeper_snapshot_uploads_total",
                                         "Snapshot uploads per storage, by outcome (ok, failed)"};
inline constexpr metrics::family retained{"vaultkeeper_snapshot_retained",
                                          "Snapshots of this job kept in each storage after retention"};
inline constexpr metrics::family deleted{"vaultkeeper_snapshot_deleted_total",
                                         "Snapshots deleted by retention, per storage"};
inline constexpr metrics::family drills{"vaultkeeper_snapshot_restore_drills_total",
                                        "Restore drills (dry_run restores), by outcome (ok, failed)"};
inline constexpr metrics::family last_drill{
    "vaultkeeper_snapshot_last_restore_drill_success",
    "1 when the job's last restore drill succeeded, 0 when it failed"};

}  // namespace vk::snapshot::metric

#endif
