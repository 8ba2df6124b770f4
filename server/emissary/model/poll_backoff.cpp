// The per-value backoff and the verdicts of a render.
#include "emissary/model/poll_backoff.hpp"

#include <algorithm>

namespace vk::emissary {
namespace {

// usable < missing < transient < permanent
int rank(const verdict& v)
{
    if (!v)
        return 0;
    switch (*v)
    {
    case fetch_class::missing: return 1;
    case fetch_class::transient: return 2;
    case fetch_class::permanent: return 3;
    }
    return 0;
}

void merge(std::map<dependency, verdict>& verdicts, const dependency& d, verdict v)
{
    auto [it, fresh] = verdicts.emplace(d, v);
    if (!fresh && rank(v) > rank(it->second))
        it->second = v;
}

}  // namespace

milliseconds poll_backoff::trouble(fetch_class c, const backoff_policy& p, double random01)
{
    if (progress_)
        attempts_ = 0;
    progress_ = false;
    const auto delay = retry_delay(p, attempts_, c, random01);
    attempts_ = std::min(attempts_ + 1, 64u);
    return delay;
}

void judge(const template_ast& ast, const render_result& r, const value_map& values,
           std::map<dependency, verdict>& verdicts)
{
    const bool failed = !r.errors.empty();
    for (const auto& d : ast.dependencies())
    {
        auto value = values.find(d);
        // A listing is usable once answered (empty or not), unless a safe* range waits on it.
        const bool absent =
            value == values.end() || (d.kind == dep_kind::value && !select(value->second, "").has_value());
        const bool missing = absent || r.waiting_on.contains(d);
        merge(verdicts, d,
              failed    ? verdict(fetch_class::transient)
              : missing ? verdict(fetch_class::missing)
                        : verdict());
    }
}

}  // namespace vk::emissary
