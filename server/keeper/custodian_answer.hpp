// A set with custodians, around Vault's init or rekey: the pgp_keys to ask with (the procedure's own key for
// the stores' shares, each custodian's key for theirs) and Vault's answer opened: the stores' shares
// decrypted for the stores, the custodians' messages recorded in the set as Vault gave them.
#ifndef VAULTKEEPER_SERVER_KEEPER_CUSTODIAN_ANSWER_HPP
#define VAULTKEEPER_SERVER_KEEPER_CUSTODIAN_ANSWER_HPP

#include "core/error.hpp"
#include "core/secret.hpp"
#include "keeper/model/procedure.hpp"
#include "keeper/model/settings.hpp"
#include "keeper/pgp.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace vk::keeper {

struct keeper_core;

// The set's custodians as the policy places them: each configured custodian's name and key fingerprint.
std::vector<custodian_share> configured_custodians(const keeper_settings& s);

// pgp_keys for `set` (empty when it has no custodians). invalid_argument when a custodian of the set is no
// longer configured (a reload removed them: the rekey is asked again with the new list).
result<std::vector<std::string>> pgp_keys_of(const shard_set& set, const keeper_settings& s,
                                             const procedure_key& own);

// The stores' shares of Vault's answer (keys_base64, in set order). Without custodians the answer as is;
// with them, the stores' shares decrypted with `own` (null: bad_response, the key was lost) and each
// custodian's message copied into set.custodians.
result<std::vector<secret>> open_answer(shard_set& set, const std::vector<secret>& keys_base64,
                                        const procedure_key* own);

// The I/O shell around the two above, for the procedure. GPGME starts a gpg-agent and makes and uses the key
// on the blocking pool, so the io thread (admin API, other jobs) never waits for it. pgp_keys for a new set:
// none without custodians; with them a fresh key of the keeper's for the stores' shares, kept in core.key (in
// memory only) until the answer is opened.
boost::asio::awaitable<result<std::vector<std::string>>> make_procedure_key(keeper_core& core,
                                                                            const shard_set& set);
// Vault's answer opened with core.key, then the key dropped.
boost::asio::awaitable<result<std::vector<secret>>> open_answer_on_pool(keeper_core& core, shard_set& set,
                                                                        const std::vector<secret>& answer);

}  // namespace vk::keeper

#endif
