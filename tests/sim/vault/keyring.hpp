// Key material of a Shamir-sealed vault-sim: the seal configuration, the unseal key (what the shares
// combine into) and the root key it wraps. The root key encrypts storage; rekey only re-wraps it.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_KEYRING_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_KEYRING_HPP

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "codec.hpp"

namespace vsim {

struct seal_config
{
    int shares = 0;
    int threshold = 0;
};

// What survives a restart (outside the barrier): the config and the root key encrypted under the unseal key.
struct keyring
{
    seal_config config;
    std::string wrapped_root;
};

// Shares must be 16..32 bytes plus Shamir's one-byte x coordinate (Vault's barrier key-length check).
inline constexpr std::size_t min_key_len = 16;
inline constexpr std::size_t max_key_len = 33;

// Vault's SealConfig.Validate wording; nullopt when valid.
std::optional<std::string> validate(const seal_config& cfg);
// The unseal key split into cfg.shares shares; with one share, the key itself (as Vault does).
std::vector<bytes> split_key(const bytes& unseal_key, const seal_config& cfg);
// Reconstructs the unseal key from threshold shares (threshold 1: the share itself); error text on failure.
std::variant<bytes, std::string> combine_shares(const std::vector<bytes>& parts);
keyring wrap_root(const seal_config& cfg, const bytes& unseal_key, const bytes& root_key);
// The root key, or nullopt when unseal_key is not the one the keyring was wrapped with.
std::optional<bytes> open_root(const keyring& ring, const bytes& unseal_key);
// Decodes a share the way http/sys_seal.go does: hex if it decodes to a plausible key length, else base64.
std::optional<bytes> decode_share(std::string_view text);

}  // namespace vsim

#endif
