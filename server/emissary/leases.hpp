// The leases of a job's dynamic Vault secrets, kept alive: renewed through sys/leases/renew at the points
// lease_schedule (model/lease.hpp) decides, replaced (the dependency is fetched again: re-render, command)
// when the model says so or the source's client logged in again (leases die with their token), the replaced
// lease revoked once its successor is in use (revoke_old), and the state file (<state_dir>/<job>.leases,
// model/lease_store.hpp) written so that a restart reuses valid answers or revokes the orphans.
#ifndef VAULTKEEPER_SERVER_EMISSARY_LEASES_HPP
#define VAULTKEEPER_SERVER_EMISSARY_LEASES_HPP

#include "emissary/model/lease.hpp"
#include "emissary/model/render.hpp"
#include "runtime/model/cycle.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vk::emissary {

struct emissary_core;

struct held_lease
{
    lease_schedule schedule;
    std::uint64_t logins = 0;  // the source client's logins when it was answered; 0: restored, adopt them
    bool refetching = false;   // its dependency was asked to be fetched again
    std::int64_t issued_unix = 0;
};

struct replaced_lease
{
    std::string source;
    std::string id;
    bool rendered = false;  // the renders that followed its replacement have run
};

class lease_keeper
{
public:
    // A dynamic dependency was answered (a fetch): track its lease; the one it replaces is revoked later.
    void answered(emissary_core& core, const dependency& d, const fetched& f);
    // Before the fetches: the state file on the first call, then renewals due, re-fetches asked for.
    boost::asio::awaitable<void> tend(emissary_core& core, runtime::cycle_context& ctx);
    // After the fetches, before anything that takes time (renders, the command): the state file, if a lease
    // came or went. A kill -9 later in the cycle leaves every lease Vault handed out on record.
    boost::asio::awaitable<void> persist(emissary_core& core, runtime::cycle_context& ctx);
    // After the renders and the command: revokes what revoke_now allows, writes the state file if needed.
    boost::asio::awaitable<void> settle(emissary_core& core, runtime::cycle_context& ctx,
                                        bool command_pending);
    std::optional<clock_time> next_due() const;
    // Per lease: source, path, expiry, renewals, next step (never the lease id).
    boost::json::array status() const;
    bool holds(const dependency& d) const { return held_.contains(d); }

private:
    boost::asio::awaitable<void> restore(emissary_core& core, runtime::cycle_context& ctx);
    boost::asio::awaitable<void> renew(emissary_core& core, const dependency& d, held_lease& h,
                                       runtime::cycle_context& ctx);
    boost::asio::awaitable<void> revoke_due(emissary_core& core, runtime::cycle_context& ctx,
                                            bool command_pending);
    boost::asio::awaitable<void> save(emissary_core& core, runtime::cycle_context& ctx);
    double draw(emissary_core& core);

    std::map<dependency, held_lease> held_;
    std::vector<replaced_lease> replaced_;
    bool restored_ = false;
    bool dirty_ = false;
};

}  // namespace vk::emissary

#endif
