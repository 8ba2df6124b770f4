// Typed transit secrets engine operations, for envelope encryption: wrap a data key (encrypt), unwrap it
// (decrypt), move a wrap to the latest key version (rewrap), and read the key's versions. `mount` is the
// engine's mount path, `key` the key name; plaintexts go base64-encoded as Vault wants them. Errors follow
// errors.hpp (bad_request for Vault's 400s such as a version below min_decryption_version, permission_denied,
// sealed, not_found, transport/timeout/cancelled); secrets never appear in them.
#ifndef VAULTKEEPER_SERVER_VAULT_TRANSIT_HPP
#define VAULTKEEPER_SERVER_VAULT_TRANSIT_HPP

#include "core/secret.hpp"
#include "vault/client.hpp"
#include "vault/model/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

namespace vk::vault {

// POST <mount>/encrypt/<key> {plaintext}: the ciphertext ("vault:v<N>:...") of `plaintext`.
boost::asio::awaitable<result<std::string>> transit_encrypt(client& c, std::string_view mount,
                                                            std::string_view key, const secret& plaintext);
// POST <mount>/decrypt/<key> {ciphertext}: the plaintext; bad_response when Vault's answer is not base64.
boost::asio::awaitable<result<secret>> transit_decrypt(client& c, std::string_view mount,
                                                       std::string_view key, std::string_view ciphertext);
// POST <mount>/rewrap/<key> {ciphertext}: the same plaintext under the key's latest version.
boost::asio::awaitable<result<std::string>> transit_rewrap(client& c, std::string_view mount,
                                                           std::string_view key, std::string_view ciphertext);
// GET <mount>/keys/<key>.
boost::asio::awaitable<result<transit_key_info>> transit_read_key(client& c, std::string_view mount,
                                                                  std::string_view key);

}  // namespace vk::vault

#endif
