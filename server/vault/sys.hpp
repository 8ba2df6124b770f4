// Typed sys/* operations: health, seal status, init, unseal, leader, mounts, capabilities-self.
// All unauthenticated ones work against a sealed or uninitialised node. Errors follow errors.hpp (status ->
// errc) plus transport_error/timeout/cancelled from the client; a malformed body is bad_response.
#ifndef VAULTKEEPER_SERVER_VAULT_SYS_HPP
#define VAULTKEEPER_SERVER_VAULT_SYS_HPP

#include "vault/client.hpp"
#include "vault/model/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>
#include <vector>

namespace vk::vault {

struct health_params
{
    bool standbyok = false;      // a standby answers 200 instead of 429
    bool perfstandbyok = false;  // a performance standby answers 200 instead of 473
};

// GET sys/health. Statuses 200, 429, 472, 473, 474, 501, 503 and 530 are answers (health::status says
// which); it is sent once (no retries: a probe must not wait). Other statuses map to errors.
boost::asio::awaitable<result<health>> sys_health(client& c, health_params p = {});

// GET sys/seal-status.
boost::asio::awaitable<result<seal_status>> sys_seal_status(client& c);

// PUT sys/init with shares/threshold, and pgp_keys (base64 binary public keys, one per share) when not
// empty: the keys then come back as OpenPGP messages. bad_request when already initialised.
boost::asio::awaitable<result<init_result>> sys_init(client& c, unsigned secret_shares,
                                                     unsigned secret_threshold,
                                                     const std::vector<std::string>& pgp_keys = {});

// PUT sys/unseal {key}: one share (hex or base64); returns the progress. bad_request for a wrong key.
boost::asio::awaitable<result<seal_status>> sys_unseal(client& c, const secret& key);
// PUT sys/unseal {reset:true}: forgets the shares given so far.
boost::asio::awaitable<result<seal_status>> sys_unseal_reset(client& c);

// GET sys/leader.
boost::asio::awaitable<result<leader>> sys_leader(client& c);

// GET sys/mounts: every mount sorted by path, KV version detected (type kv + options.version "2" => v2).
boost::asio::awaitable<result<std::vector<mount>>> sys_mounts(client& c);

// POST sys/capabilities-self {paths}: path -> capabilities ("deny" when none).
boost::asio::awaitable<result<std::map<std::string, std::vector<std::string>>>>
capabilities_self(client& c, const std::vector<std::string>& paths);

// True when `caps` grants `capability` ("read", "update"...); "root" grants everything, "deny" nothing.
bool allows(const std::vector<std::string>& caps, std::string_view capability) noexcept;

}  // namespace vk::vault

#endif
