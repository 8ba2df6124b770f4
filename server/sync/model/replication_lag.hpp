// A destination's lag: how long changes it has not applied have existed. It starts when the origin's publish
// was seen (the watch) or, without a watch, when a cycle first found a diff, and ends when a cycle applied
// everything (no failed path, nothing held or ignored).
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_REPLICATION_LAG_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_REPLICATION_LAG_HPP

#include <chrono>
#include <optional>

namespace vk::sync {

class replication_lag
{
public:
    using time_point = std::chrono::system_clock::time_point;

    // The watch saw the origin publish at `at`.
    void origin_changed(time_point at) noexcept { changed_at_ = at; }

    // A cycle found changes to apply at `now`: the lag runs from the publish it saw, else from now.
    void found_changes(time_point now) noexcept
    {
        if (!since_)
            since_ = changed_at_.value_or(now);
    }

    // A cycle applied everything.
    void caught_up() noexcept { since_.reset(); }

    double seconds(time_point now) const noexcept
    {
        return since_ ? std::chrono::duration<double>(now - *since_).count() : 0.0;
    }

private:
    std::optional<time_point> changed_at_;
    std::optional<time_point> since_;
};

}  // namespace vk::sync

#endif
