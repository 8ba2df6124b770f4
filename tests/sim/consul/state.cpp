// Operations spanning the KV and session tables.
#include "state.hpp"

namespace csim {

std::vector<std::string> state::invalidate(const std::string& id, clock::time_point now)
{
    auto idx = next_index();
    auto removed = sessions.remove(id, idx);
    if (!removed)
        return {};
    auto delay_until = now + std::chrono::duration_cast<clock::duration>(removed->lock_delay);
    return kv.invalidate_session(idx, id, removed->behavior == "delete", delay_until);
}

}  // namespace csim
