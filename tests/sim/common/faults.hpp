// Fault and latency injection state shared by every listener of a simulator: added latency, failing
// routes, dropped connections and per-route request counters. Pure state, no I/O.
#ifndef VAULTKEEPER_TESTS_SIM_COMMON_FAULTS_HPP
#define VAULTKEEPER_TESTS_SIM_COMMON_FAULTS_HPP

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simc {

// "Answer the next `remaining` requests matching method + path prefix with `status`."
struct fail_rule
{
    std::string method;       // "" or "*" matches every verb
    std::string path_prefix;  // matched against the decoded path
    unsigned status = 500;
    std::uint64_t remaining = 1;
    std::optional<std::string> retry_after;  // sent as Retry-After when set
    std::optional<std::string> body;         // the simulator's default error body when unset
    std::uint64_t skip = 0;                  // matching requests let through before the rule starts failing
};

class fault_injector
{
public:
    // Latency added (asynchronously) before every non-control request.
    void set_latency(std::chrono::milliseconds ms) { latency_ = ms; }
    std::chrono::milliseconds latency() const { return latency_; }

    void add_failure(fail_rule rule) { rules_.push_back(std::move(rule)); }
    // Consumes one use of the first matching rule; rules that are used up disappear.
    std::optional<fail_rule> take_failure(std::string_view method, std::string_view path);

    // The next n requests get their connection closed without an answer.
    void drop_next(std::uint64_t n) { drops_ += n; }
    // True (and consumes one) if the current request must be dropped.
    bool take_drop();

    void count(const std::string& route_key) { ++counters_[route_key]; }
    const std::map<std::string, std::uint64_t, std::less<>>& counters() const { return counters_; }

    // Back to no latency, no rules, no drops, zero counters.
    void reset();

private:
    std::chrono::milliseconds latency_{0};
    std::vector<fail_rule> rules_;
    std::uint64_t drops_ = 0;
    std::map<std::string, std::uint64_t, std::less<>> counters_;
};

// Counter key of a request: "<METHOD> " + the first `segments` segments of path ("GET /v1/kv").
std::string route_key(std::string_view method, std::string_view path, unsigned segments);

}  // namespace simc

#endif
