// The version checks of an emissary job's Vault KV v2 values: the daemon's round for each Vault
// (vault_check_hub.hpp) reads every value's metadata (current_version) at its slot, and the job reads the
// data only when the version moved; a deleted or destroyed current version makes the value absent. A token
// that may not read <mount>/metadata/ (403) makes that mount's values read in full at every slot instead,
// with one warning per job, until the metadata is readable again.
#ifndef VAULTKEEPER_SERVER_EMISSARY_VAULT_CHECKS_HPP
#define VAULTKEEPER_SERVER_EMISSARY_VAULT_CHECKS_HPP

#include "emissary/emissary_core.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <functional>
#include <memory>

namespace vk::emissary {

// Runs until the job ends (or at once when it checks nothing); a value that moved asks for a cycle.
boost::asio::awaitable<void> run_vault_checks(std::shared_ptr<emissary_core> core,
                                              std::function<void()> request_cycle);

// Per Vault source: the effective check interval, the checked paths and whether it fell back to reads.
boost::json::array vault_checks_status(const emissary_core& core);

}  // namespace vk::emissary

#endif
