// Test controls for raft snapshot downloads (POST /_sim/vault/snapshot-fault, /_sim/vault/snapshot-padding):
// the next downloads can be truncated, corrupted, cut off, or see the active node step down mid-stream, and
// snapshots can carry filler to reach a size (benchmarks).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SNAPSHOT_FAULTS_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SNAPSHOT_FAULTS_HPP

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace vsim {

enum class snapshot_fault_mode
{
    truncate,   // the response ends cleanly after `after_bytes` (a complete HTTP answer, a cut archive)
    corrupt,    // the byte at offset `after_bytes` is flipped
    abort,      // the connection is dropped after `after_bytes`
    step_down,  // after `after_bytes` the active node steps down; the stream goes on to its end
};

struct snapshot_fault
{
    snapshot_fault_mode mode = snapshot_fault_mode::truncate;
    std::uint64_t after_bytes = 0;
};

struct snapshot_controls
{
    std::optional<snapshot_fault> fault;  // applies to the next `remaining` downloads
    std::uint64_t remaining = 0;
    std::uint64_t padding_bytes = 0;
    bool generated = false;  // see snapshot_input::generated

    // Parses "truncate" | "corrupt" | "abort" | "step-down".
    static std::optional<snapshot_fault_mode> mode_of(const std::string& s);

    // Wraps a download's producer with the pending fault, if any (consuming one use). `step_down` is called
    // when a step-down fault fires.
    std::function<std::optional<std::string>()> wrap(std::function<std::optional<std::string>()> producer,
                                                     std::function<void()> step_down);
};

// The sim's one set of controls (one cluster per process).
snapshot_controls& snapshot_controls_instance();

}  // namespace vsim

#endif
