// The database secrets engine, without a database: connections (config/<name>) and roles are stored,
// creds/<role> mints a fresh random username/password under a lease (lease_store.hpp) with the role's
// default_ttl and max_ttl. Statements are accepted and never run.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_DATABASE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_DATABASE_HPP

#include "call.hpp"

namespace vsim::database {

response handle(call& c);

}  // namespace vsim::database

#endif
