// The "keeper" kind: init, unseal and crash-safe rekey of one Vault cluster with its shards in the
// configured stores; its parser, body and route (POST /v1/keeper/{name}/rekey).
#ifndef VAULTKEEPER_SERVER_KEEPER_KEEPER_KIND_HPP
#define VAULTKEEPER_SERVER_KEEPER_KEEPER_KIND_HPP

#include "runtime/job_kind.hpp"

namespace vk::keeper {

runtime::job_kind make_keeper_kind();

}  // namespace vk::keeper

#endif
