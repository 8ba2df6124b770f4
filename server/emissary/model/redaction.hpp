// Keeping secret values out of everything the emissary prints (command output, errors, logs, the status).
// What to hide is every value a job has read or rendered since the process started, not only the values in
// force now: a command that prints the previous value (`diff x.bak x`, a reload script logging the old
// password) would otherwise put a rotated-out secret, often still valid in its grace period, in the log.
// And command output is redacted before it is cut to its cap, so a secret that crosses the cap leaves no
// prefix behind.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_REDACTION_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_REDACTION_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vk::emissary {

inline constexpr std::string_view redacted_marker = "<redacted>";
inline constexpr std::string_view truncated_note = "[truncated]";
// How much of a command's output is logged, after redaction.
inline constexpr std::size_t command_log_bytes = 64 * 1024;

// The values to hide, remembered per reference (one value of a source, or what one action of a template
// substituted): each keeps the last `depth` distinct sets of strings it held. Bounded: `depth` sets per
// reference and at most `max_references` references (the least recently seen is forgotten first; a job's
// references are its dependencies and template actions, far fewer).
class secret_memory
{
public:
    explicit secret_memory(std::size_t depth = 8, std::size_t max_references = 1024);

    // What `reference` holds now (empty strings are ignored). A set equal to one already remembered for the
    // reference only becomes its most recent again.
    void remember(const std::string& reference, std::vector<std::string> values);
    // Every remembered string: non-empty, sorted, unique. Rebuilt here, when asked, not at every remember():
    // a cycle of a thousand templates remembers thousands of references and asks for the list once.
    const std::vector<std::string>& values() const;
    std::size_t references() const { return by_reference_.size(); }
    // Room for at least `n` references (never shrinks): a job with more dependencies and template actions
    // than the default would otherwise forget, and so stop hiding, values it still renders.
    void reserve_references(std::size_t n) { max_references_ = std::max(max_references_, n); }

private:
    struct entry
    {
        std::vector<std::vector<std::string>> sets;  // oldest first, each sorted and unique
        std::uint64_t seen = 0;
    };
    void forget_oldest_reference();
    void rebuild() const;

    std::size_t depth_;
    std::size_t max_references_;
    std::uint64_t clock_ = 0;
    std::map<std::string, entry> by_reference_;
    mutable std::vector<std::string> all_;
    mutable bool stale_ = false;  // all_ misses a change since it was built
};

// `text` with every occurrence of every value replaced by the marker. Occurrences that overlap or touch
// become one marker, so no piece of either value survives (replacing values one after the other would leave
// the tail of a value that overlaps one replaced before it).
std::string redact(std::string_view text, const std::vector<std::string>& values);

// Command output for the log: redacted first, then cut to at most `cap` bytes (a marker is never split)
// and followed by the truncated note when anything was cut. `whole` is false when `text` is itself a cut
// capture: its end may be the start of a secret, so the longest tail that begins a value is hidden too.
std::string redact_and_cap(std::string_view text, const std::vector<std::string>& values, std::size_t cap,
                           bool whole);

}  // namespace vk::emissary

#endif
