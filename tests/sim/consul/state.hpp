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

    // How far tests moved the clock forward (POST /_sim/consul/advance): session TTLs and lock-delays run on
    // now(), so a test lets them run out without waiting for them. Blocking-query waits stay in real time.
    clock::duration advanced{0};

    // Every write request is one raft log entry, whether or not it changes anything.
    std::uint64_t next_index() { return ++index; }

    // The time session TTLs and lock-delays are measured in.
    clock::time_point now() const { return clock::now() + advanced; }

    // Destroys a session (explicitly, or on TTL expiry): its keys are released or deleted and their
    // lock-delay starts. Returns the affected keys (empty if the session did not exist).
    std::vector<std::string> invalidate(const std::string& id, clock::time_point now);
};

}  // namespace csim

#endif
