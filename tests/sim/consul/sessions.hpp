// consul-sim's session table: create/renew/destroy, TTL deadlines (Consul invalidates after 2x TTL) and
// the fields Consul returns. Pure: no I/O, the caller passes `now` and the raft index.
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_SESSIONS_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_SESSIONS_HPP

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kv_store.hpp"

namespace csim {

struct session
{
    std::string id;
    std::string name;
    std::string node;
    std::chrono::nanoseconds lock_delay{std::chrono::seconds(15)};
    std::string behavior = "release";  // or "delete"
    std::string ttl;                   // as given ("30s"), "" for none
    std::chrono::nanoseconds ttl_duration{0};
    std::vector<std::string> node_checks{"serfHealth"};
    std::uint64_t create_index = 0;
    std::uint64_t modify_index = 0;
    std::optional<clock::time_point> expires_at;  // set when ttl is
};

class session_store
{
public:
    // TTL multiplier: Consul's session timers fire after TTL * 2 (structs.SessionTTLMultiplier).
    static constexpr int ttl_multiplier = 2;

    session_store();
    // Stores s with a fresh UUID and returns it.
    const session& create(std::uint64_t idx, session s, clock::time_point now);
    // Resets the TTL timer; nullptr when unknown.
    const session* renew(const std::string& id, clock::time_point now);
    const session* find(const std::string& id) const;
    // Returns the removed session (destroy is idempotent at the HTTP level).
    std::optional<session> remove(const std::string& id, std::uint64_t idx);
    std::vector<const session*> list() const;
    // Sessions whose TTL timer ran out.
    std::vector<std::string> expired(clock::time_point now) const;
    // Earliest TTL deadline, if any session has one.
    std::optional<clock::time_point> next_expiry() const;

    std::uint64_t table_index() const { return table_index_; }
    void clear() { sessions_.clear(); }

private:
    std::string new_uuid();

    std::map<std::string, session> sessions_;
    std::uint64_t table_index_ = 0;
    std::mt19937_64 rng_;
};

}  // namespace csim

#endif
