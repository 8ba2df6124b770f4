// The emissary's timing decisions, pure: how long to wait before polling a value again, whether an error is
// worth retrying, and when a command may run (coalescing changes inside the `wait` window).
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_POLICY_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_POLICY_HPP

#include "core/error.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::emissary {

using clock_time = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

// What a failed or empty fetch means for the next poll.
enum class fetch_class
{
    missing,    // 404, missing field, empty, sentinel: poll again with backoff
    transient,  // network, timeout, 5xx, 429, sealed, standby: retry with backoff
    permanent,  // 403, bad request, invalid path: reported; retried only at the slow `max` pace
};
fetch_class classify(errc code);

struct backoff_policy
{
    milliseconds initial{1000};
    milliseconds max{60000};
};

// The delay before attempt number `attempt` (0 = the first retry): initial * 2^attempt capped at max, then
// "equal jitter": a uniform draw in [delay/2, delay] from `random01` in [0, 1), so pollers spread out but
// never retry sooner than half the step. Permanent errors wait the full max.
milliseconds retry_delay(const backoff_policy& p, unsigned attempt, fetch_class c, double random01);

struct wait_window
{
    milliseconds min{0};
    milliseconds max{0};  // 0 = 4 * min (consul-template's rule)
};

// Coalesces the changes that ask for one command: the first change opens a window; each later change pushes
// the run to now + min, never past first change + max. Every change inside the window runs the command once.
class command_window
{
public:
    explicit command_window(wait_window w)
        : w_(w)
    {
    }
    // A real change was written at `now`.
    void changed(clock_time now);
    // When the command should run; nullopt when nothing is pending.
    std::optional<clock_time> due() const { return due_; }
    // true (and the window closes) when a pending run is due at `now`.
    bool take(clock_time now);

private:
    wait_window w_;
    std::optional<clock_time> first_;
    std::optional<clock_time> due_;
};

}  // namespace vk::emissary

#endif
