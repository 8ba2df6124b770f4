// Typed sys/rekey/* operations (token-less: authorised by key shares). Shares and new keys are secrets.
// Errors follow errors.hpp; Vault's rekey refusals (wrong nonce, duplicate share, no rekey in progress,
// wrong key) are bad_request with Vault's text; a sealed cluster is sealed. Nothing here is retried
// except reads: a re-sent share would be refused as a duplicate.
#ifndef VAULTKEEPER_SERVER_VAULT_REKEY_HPP
#define VAULTKEEPER_SERVER_VAULT_REKEY_HPP

#include "vault/client.hpp"
#include "vault/model/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace vk::vault {

struct rekey_params
{
    unsigned secret_shares = 5;
    unsigned secret_threshold = 3;
    bool require_verification = false;  // old keys stay valid until the new ones are verified
    std::vector<std::string> pgp_keys;  // base64 binary public keys, one per new share, or none
};

// PUT sys/rekey/init: starts a rekey; the status carries its nonce.
boost::asio::awaitable<result<rekey_status>> rekey_init(client& c, const rekey_params& p);

// GET sys/rekey/init: the rekey in progress (started=false when none).
boost::asio::awaitable<result<rekey_status>> rekey_progress(client& c);

// PUT sys/rekey/update {key, nonce}: one old share. complete=true with the new keys at the threshold.
boost::asio::awaitable<result<rekey_update_result>> rekey_update(client& c, const secret& key,
                                                                 std::string_view nonce);

// DELETE sys/rekey/init with {"nonce"} (required by Vault >= 1.20 within 10 minutes of init). Idempotent.
boost::asio::awaitable<result<void>> rekey_cancel(client& c, std::string_view nonce);

// GET sys/rekey/verify: the verification in progress (bad_request when there is none).
boost::asio::awaitable<result<rekey_verify_status>> rekey_verify_progress(client& c);

// PUT sys/rekey/verify {key, nonce}: one NEW share with the verification nonce; complete=true at the
// threshold (the new keys are then in force).
boost::asio::awaitable<result<rekey_verify_status>> rekey_verify(client& c, const secret& new_key,
                                                                 std::string_view verification_nonce);

// DELETE sys/rekey/verify: restarts verification with a new nonce.
boost::asio::awaitable<result<rekey_verify_status>> rekey_verify_restart(client& c);

}  // namespace vk::vault

#endif
