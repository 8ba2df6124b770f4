// vault-sim's own /_sim/vault/* control routes (node seal/kill/restart, step-down, bulk load, status),
// added next to the generic /_sim/ API of sim_common.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_CONTROL_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_CONTROL_HPP

#include <boost/asio/io_context.hpp>

#include "cluster.hpp"
#include "common/server.hpp"

namespace vsim {

// Listener i of srv must serve node i of vault.
void add_control_routes(simc::server& srv, boost::asio::io_context& ioc, cluster& vault);

}  // namespace vsim

#endif
