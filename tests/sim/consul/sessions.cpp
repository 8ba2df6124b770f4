// consul-sim's session table.
#include "sessions.hpp"

#include <algorithm>
#include <cstdio>

namespace csim {

session_store::session_store()
    : rng_(std::random_device{}())
{
}

std::string session_store::new_uuid()
{
    // Consul's IDs are random UUIDs in 8-4-4-4-12 hex form.
    auto a = rng_(), b = rng_();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(a >> 32),
                  unsigned((a >> 16) & 0xffff), unsigned(a & 0xffff), unsigned(b >> 48),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
}

const session& session_store::create(std::uint64_t idx, session s, clock::time_point now)
{
    s.id = new_uuid();
    s.create_index = idx;
    s.modify_index = idx;
    if (s.ttl_duration.count() > 0)
        s.expires_at = now + s.ttl_duration * ttl_multiplier;
    table_index_ = std::max(table_index_, idx);
    auto id = s.id;
    return sessions_.emplace(std::move(id), std::move(s)).first->second;
}

const session* session_store::renew(const std::string& id, clock::time_point now)
{
    auto it = sessions_.find(id);
    if (it == sessions_.end())
        return nullptr;
    if (it->second.ttl_duration.count() > 0)
        it->second.expires_at = now + it->second.ttl_duration * ttl_multiplier;
    return &it->second;
}

const session* session_store::find(const std::string& id) const
{
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : &it->second;
}

std::optional<session> session_store::remove(const std::string& id, std::uint64_t idx)
{
    auto it = sessions_.find(id);
    if (it == sessions_.end())
        return std::nullopt;
    session s = std::move(it->second);
    sessions_.erase(it);
    table_index_ = std::max(table_index_, idx);
    return s;
}

std::vector<const session*> session_store::list() const
{
    std::vector<const session*> out;
    for (auto& [id, s] : sessions_)
        out.push_back(&s);
    // Consul lists sessions by ID (memdb's id index).
    return out;
}

std::vector<std::string> session_store::expired(clock::time_point now) const
{
    std::vector<std::string> out;
    for (auto& [id, s] : sessions_)
        if (s.expires_at && *s.expires_at <= now)
            out.push_back(id);
    return out;
}

std::optional<clock::time_point> session_store::next_expiry() const
{
    std::optional<clock::time_point> next;
    for (auto& [id, s] : sessions_)
        if (s.expires_at && (!next || *s.expires_at < *next))
            next = s.expires_at;
    return next;
}

}  // namespace csim
