// The HTTP front of one vault-sim node: Vault's transport conventions, sealed/standby gating, forwarding
// and 307 redirects, the core's sys routes, and the translation of everything else into vsim::logical.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_FRONT_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_FRONT_HPP

#include "cluster.hpp"
#include "common/http.hpp"
#include "common/server.hpp"

namespace vsim {

// The request handler of node i's listener.
simc::handler make_node_handler(cluster& vault, std::size_t node);

// Synchronous core of the handler (every Vault request is answered without suspending). `upload`: a streamed
// restore body already read (restore_upload.hpp), for the raft snapshot restore routes.
simc::response handle_vault_request(cluster& vault, std::size_t node, const simc::request& req,
                                    snapshot_result* upload = nullptr);

// GET /_sim/vault/last-token: {"sha256": hex of the last token seen on a /v1/ request, "" before any}.
// GET /_sim/vault/requests[?prefix=text]: {"requests": {"GET /v1/secret/data/app": n, ...}}, every /v1/
// request since start by method and path (those containing `text` only).
void add_request_log_route(simc::server& srv, cluster& vault);

}  // namespace vsim

#endif
