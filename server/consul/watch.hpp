// Following one Consul key, or every key under a prefix, with blocking queries: the loop the sync destination
// (the origin's index) and the emissary (each template's keys and ranges) share.
#ifndef VAULTKEEPER_SERVER_CONSUL_WATCH_HPP
#define VAULTKEEPER_SERVER_CONSUL_WATCH_HPP

#include "consul/client.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vk::consul {

struct watch_options
{
    std::chrono::milliseconds wait{std::chrono::minutes(5)};   // each blocking query's wait
    std::chrono::milliseconds retry{std::chrono::seconds(2)};  // pause after a failed query
    // true: the first answer after a failed query is reported (first = true) even when nothing changed, so a
    // watcher that marked its value stale on the failure learns it is fresh again.
    bool report_after_failure = false;
};

struct watch_handlers
{
    // The key's modify index moved (0 = absent): its new state. `first` marks the watch's first answer, which
    // has nothing to compare with. Called on the coroutine's executor, never concurrently.
    std::function<void(const std::optional<kv_entry>& value, bool first)> changed;
    // A query failed: the watch pauses for `retry` and starts over at index 0 (changes made meanwhile are
    // still reported: the last modify index seen is kept).
    std::function<void(const error&)> failed;
    // Checked when an answer arrives (true: it is dropped) and after it was handled: true ends the watch.
    std::function<bool()> done = [] { return false; };
};

// Runs until cancelled (terminal cancellation ends the pending query at once) or until done().
boost::asio::awaitable<void> watch(client& c, std::string key, watch_options o, watch_handlers h);

struct prefix_watch_handlers
{
    // A key under the prefix came, went or changed (or the first answer): every entry now, sorted by key.
    std::function<void(const std::vector<kv_entry>& entries, bool first)> changed;
    std::function<void(const error&)> failed;  // as watch_handlers
    std::function<bool()> done = [] { return false; };
};

// Follows every key under `prefix` with recursive blocking queries: membership changes and value changes
// both call changed(). Runs like watch().
boost::asio::awaitable<void> watch_prefix(client& c, std::string prefix, watch_options o,
                                          prefix_watch_handlers h);

}  // namespace vk::consul

#endif
