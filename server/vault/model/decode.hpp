// Pure decoders: Vault reply bodies -> typed values. Every decoder returns errc::bad_response ("malformed
// reply: ...") for a body that is not the expected JSON shape; callers add endpoint and path.
#ifndef VAULTKEEPER_SERVER_VAULT_MODEL_DECODE_HPP
#define VAULTKEEPER_SERVER_VAULT_MODEL_DECODE_HPP

#include "core/error.hpp"
#include "vault/model/types.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vk::vault {

// sys/health body of any answered status (`status` is copied into the result).
result<health> decode_health(unsigned status, std::string_view body);
// transit encrypt/<k> and rewrap/<k>: data.ciphertext ("vault:v<N>:..."); decrypt/<k>: data.plaintext
// (base64); keys/<k>: its versions.
result<std::string> decode_transit_ciphertext(std::string_view body);
result<std::string> decode_transit_plaintext(std::string_view body);
result<transit_key_info> decode_transit_key(std::string_view body);
// sys/seal-status and sys/unseal.
result<seal_status> decode_seal_status(std::string_view body);
result<init_result> decode_init(std::string_view body);
result<leader> decode_leader(std::string_view body);
// sys/mounts: every mount of the data object (or the top level on old servers), sorted by path.
result<std::vector<mount>> decode_mounts(std::string_view body);
// sys/capabilities-self for `paths`: path -> capabilities; a path missing from the reply falls back to the
// single-path "capabilities" field, else ["deny"].
result<std::map<std::string, std::vector<std::string>>>
decode_capabilities(std::string_view body, const std::vector<std::string>& paths);
// auth/token/lookup-self: the token's state.
result<token_info> decode_token_lookup(std::string_view body);
// A login or renew-self answer: the "auth" block.
result<auth_result> decode_auth(std::string_view body);

// KV v2 data read: a 200, or a 404 that carries data.metadata (a deleted/destroyed version, deleted=true).
result<kv_secret> decode_kv2_read(std::string_view body);
// KV v2 write/patch answer: the new version's metadata.
result<kv_version_meta> decode_kv2_write(std::string_view body);
result<kv_metadata> decode_kv2_metadata(std::string_view body);
// A LIST answer: data.keys (folders end with '/').
result<std::vector<std::string>> decode_list(std::string_view body);
// KV v1 read: the data object itself.
result<boost::json::object> decode_kv1_read(std::string_view body);

result<rekey_status> decode_rekey_status(std::string_view body);
result<rekey_update_result> decode_rekey_update(std::string_view body);
result<rekey_verify_status> decode_rekey_verify(std::string_view body);
result<raft_configuration> decode_raft_configuration(std::string_view body);
// sys/storage/raft/join: {"joined": bool}.
result<bool> decode_raft_join(std::string_view body);
// sys/ha-status: the nodes under data (or, injected, at the top level; "Nodes" in older releases).
result<std::vector<ha_node>> decode_ha_status(std::string_view body);

}  // namespace vk::vault

#endif
