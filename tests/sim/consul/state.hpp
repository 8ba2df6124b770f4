// consul-sim's whole state: the raft index, the KV table and the session table, plus the operations that
// touch both (session invalidation). Pure: no I/O.
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_STATE_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_STATE_HPP

#include <string>
#include <vector>

#include "kv_store.hpp"
#include "sessions.hpp"

namespace csim {

struct state
{
    // Last raft index applied. A fresh Consul cluster is already a few dozen entries in; starting there
    // keeps clients honest about not assuming small indexes.
    std::uint64_t index = 12;
    kv_store kv;
    session_store sessions;

    // Every write request is one raft log entry, whether or not it changes anything.
    std::uint64_t next_index() { return ++index; }

    // Destroys a session (explicitly, or on TTL expiry): its keys are released or deleted and their
    // lock-delay starts. Returns the affected keys (empty if the session did not exist).
    std::vector<std::string> invalidate(const std::string& id, clock::time_point now);
};

}  // namespace csim

#endif
