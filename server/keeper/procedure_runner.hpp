// The procedure's shell: what the job wants of it, the record's writes, and the run of a cycle.
#ifndef VAULTKEEPER_SERVER_KEEPER_PROCEDURE_RUNNER_HPP
#define VAULTKEEPER_SERVER_KEEPER_PROCEDURE_RUNNER_HPP

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "keeper/keeper_core.hpp"
#include "keeper/model/procedure.hpp"
#include "runtime/model/cycle.hpp"

namespace vk::keeper {

// What the job wants of the procedure now (shares, threshold and placement for a new set; whether
// rekey_interval has elapsed).
result<procedure_policy> procedure_policy_of(const keeper_core& core);

// Writes `next`, as the next seq, over the record by compare-and-swap and keeps it as core.record; the crash
// point after it is named by what changed.
boost::asio::awaitable<result<void>> commit_record(keeper_core& core, const procedure_record& next);

// Runs the procedure (init, rekey, audits, recovery) until it has nothing to do or must wait.
boost::asio::awaitable<void> run_procedure(keeper_core& core, runtime::cycle_context& ctx);

}  // namespace vk::keeper

#endif
