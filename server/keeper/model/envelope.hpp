// Envelope sealing for a store whose key-encryption key lives in another Vault's transit engine: each object
// gets a fresh 32-byte data key, the object is sealed under it (a "VKS1" blob, the object name as additional
// data) and the data key travels beside it wrapped by transit ("vault:v<N>:..."). A wrap swapped in from
// another object unwraps to another data key, so the seal fails as it would for a changed file; a rewrap
// (a newer transit key version, the same data key) leaves the sealed body as it is. Pure: the wrap and unwrap
// are Vault calls the caller makes.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_ENVELOPE_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_ENVELOPE_HPP

#include "core/config.hpp"
#include "core/config_reader.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vk::keeper {

// "VKT1" | 4-byte big-endian wrap length | wrap | sealed body.
struct envelope
{
    std::string wrap;  // transit's ciphertext of the data key, "vault:v<N>:<base64>"
    std::string body;  // the object sealed under the data key (seal_blob)
};

std::string encode_envelope(const envelope& e);
// bad_response (naming the object, never a byte of it) when the bytes are not an envelope.
result<envelope> decode_envelope(std::string_view name, std::string_view blob);
// Whether the bytes start like an envelope (a store's objects are all one kind or the other).
bool is_envelope(std::string_view blob) noexcept;

// The transit key version of a wrap ("vault:v3:..." -> 3); nullopt when it is not one.
std::optional<std::int64_t> wrap_version(std::string_view wrap) noexcept;

// A fresh random data key (32 bytes); internal when the RNG fails.
result<secret> new_data_key();
// The envelope of `plaintext` under `data_key`, wrapped as `wrap`.
result<std::string> seal_envelope(const secret& data_key, std::string wrap, std::string_view name,
                                  std::string_view plaintext);
// The envelope `e` of object `name` with its data key wrapped as `new_wrap` (transit's rewrap of e.wrap: the
// same data key under a newer version), the sealed body byte for byte as it was. bad_response when
// `new_wrap` is not a transit ciphertext.
result<std::string> rewrap_envelope(std::string_view name, envelope e, std::string new_wrap);
// The plaintext of an envelope's body under its unwrapped data key; bad_response as open_blob.
result<std::string> open_envelope(const secret& data_key, std::string_view name, const envelope& e);

// kek {"transit": {"vault": "<name>", "key": "<key>", "mount": "transit"}}: which Vault and key wrap the
// store's data keys. The Vault's settings are a copy of its /vaults entry.
struct transit_kek
{
    std::string vault, key, mount = "transit";
    vault_config access;
};

// Whether `key` of r is the transit form (an object with "transit").
bool is_transit_kek(object_reader& r, std::string_view key);
// The transit form of `key` of r, problems at their pointers: an unknown vault, and the vault this job
// unseals (by name or address: the keeper could never unwrap what it needs to unseal it).
std::optional<transit_kek> read_transit_kek(object_reader& r, std::string_view key, const vk::config& cfg,
                                            const std::string& job_vault);

}  // namespace vk::keeper

#endif
