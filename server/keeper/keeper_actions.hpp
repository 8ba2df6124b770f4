// The keeper kind's admin actions, behind /v1/keeper/{name}/<action>: rekey.
#ifndef VAULTKEEPER_SERVER_KEEPER_KEEPER_ACTIONS_HPP
#define VAULTKEEPER_SERVER_KEEPER_KEEPER_ACTIONS_HPP

#include <boost/asio/awaitable.hpp>

#include <memory>

#include "keeper/keeper_core.hpp"
#include "runtime/job_kind.hpp"

namespace vk::keeper {

// POST /v1/keeper/{name}/rekey: the request takes no body (errc::bad_request otherwise); records `requested`
// durably (waiting for a running cycle to finish) before answering, so an accepted request survives any
// crash after the answer.
boost::asio::awaitable<runtime::action_result> rekey_action(std::shared_ptr<keeper_core> core,
                                                            const runtime::action_request& req);

// GET /v1/keeper/{name}/custodians/{custodian}/share: the custodian's share of the current set, as Vault
// encrypted it to their key (base64 of the OpenPGP message), with the set id and the key's fingerprint. The
// first download is recorded durably (who, when) before the answer; a later one is refused (conflict, naming
// the first) unless `?again=true`, which is counted. not_found for a custodian the current set does not name.
boost::asio::awaitable<runtime::action_result> custodian_share_action(std::shared_ptr<keeper_core> core,
                                                                      const runtime::action_request& req);

}  // namespace vk::keeper

#endif
