// When each checked Vault KV v2 path is looked at. N paths share one Vault's request budget, so one round
// of checks takes max(vault_check, N / budget): ten thousand paths at 100 requests a second are each
// checked every 100 s, ten paths every vault_check. Each path holds a fixed phase, a fraction of that
// interval, spread evenly so the checks of a round are evenly spaced (not all at :00); a path added later
// takes the middle of the widest gap, so the phases already handed out stay put. Pure.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_CHECK_SCHEDULE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_CHECK_SCHEDULE_HPP

#include "emissary/model/policy.hpp"

#include <chrono>
#include <cstddef>
#include <vector>

namespace vk::emissary {

// One round of checks: max(vault_check, paths / per_second), never below a millisecond per path.
milliseconds effective_check_interval(std::size_t paths, milliseconds vault_check, double per_second);

// The phases of n paths checked together from scratch: 0, 1/n, 2/n, ... (fractions of the interval).
std::vector<double> spread_phases(std::size_t n);

// The phases for `added` new paths among the `existing` ones (any order, each in [0, 1)): each new one
// splits the currently widest gap, so the result is as even as it can be without moving anyone.
std::vector<double> slot_in(std::vector<double> existing, std::size_t added);

// The first check time of a path with `phase` strictly after `after`, for rounds of `interval` counted
// from `anchor`: anchor + (phase + k) x interval. Every job computes the same instant, so jobs checking
// the same path meet on the same slot.
clock_time next_check(clock_time anchor, double phase, milliseconds interval, clock_time after);

}  // namespace vk::emissary

#endif
