// When a polled value is read again. An answer the templates can use is re-read every `refresh`; one they
// cannot (the value absent, a field of it missing, a template reading it failing) and a failed fetch are
// retried with exponential backoff and jitter up to retry.max, the delay growing for as long as the answers
// make no progress (the same answer again) and starting over from retry.initial as soon as one does. Without
// this, a secret that exists but lacks a field was re-read at retry.initial forever, each read a cycle.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_POLL_BACKOFF_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_POLL_BACKOFF_HPP

#include "emissary/model/policy.hpp"
#include "emissary/model/render.hpp"

#include <map>
#include <optional>

namespace vk::emissary {

// What a value's latest answer came to: nullopt = usable; otherwise how to retry it.
using verdict = std::optional<fetch_class>;

// One polled value's retry state: the number of retries since the last progress.
class poll_backoff
{
public:
    // A new answer came; `changed`: it differs from the one before it (or is the first). That progress counts
    // at the next verdict, even when more answers come before it (a cycle cancelled before its renders).
    void answered(bool changed) { progress_ = progress_ || changed; }
    // The answer could be used: the next poll is a refresh, and the backoff starts over.
    void usable()
    {
        attempts_ = 0;
        progress_ = false;
    }
    // The delay before polling again after trouble of class `c` (the answer could not be used, or the fetch
    // failed); progress since the last verdict starts the backoff over. `random01` in [0, 1) draws the
    // jitter.
    milliseconds trouble(fetch_class c, const backoff_policy& p, double random01);
    unsigned attempts() const { return attempts_; }

private:
    unsigned attempts_ = 0;
    bool progress_ = false;
};

// What one template's render says about the values it reads, merged into `verdicts` (the worst verdict wins
// for a value several templates read): missing when the value is absent (or empty, or the sentinel) or a
// reference to it is missing, transient when the template failed, usable otherwise.
void judge(const template_ast& ast, const render_result& r, const value_map& values,
           std::map<dependency, verdict>& verdicts);

}  // namespace vk::emissary

#endif
