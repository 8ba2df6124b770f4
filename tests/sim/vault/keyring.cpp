// Seal configuration checks, key splitting and root-key wrapping.
#include "keyring.hpp"

#include "barrier.hpp"
#include "shamir.hpp"

namespace vsim {
namespace {
constexpr std::string_view root_aad = "vault-sim root key";
}

std::optional<std::string> validate(const seal_config& cfg)
{
    if (cfg.shares < 1)
        return "shares must be at least one";
    if (cfg.threshold < 1)
        return "threshold must be at least one";
    if (cfg.shares > 1 && cfg.threshold == 1)
        return "threshold must be greater than one for multiple shares";
    if (cfg.shares > 255)
        return "shares must be less than 256";
    if (cfg.threshold > 255)
        return "threshold must be less than 256";
    if (cfg.threshold > cfg.shares)
        return "threshold cannot be larger than shares";
    return std::nullopt;
}

std::vector<bytes> split_key(const bytes& unseal_key, const seal_config& cfg)
{
    if (cfg.shares == 1)
        return {unseal_key};
    auto result = shamir::split(unseal_key, cfg.shares, cfg.threshold);
    return std::get<std::vector<bytes>>(std::move(result));  // cfg was validated, so split cannot fail
}

std::variant<bytes, std::string> combine_shares(const std::vector<bytes>& parts)
{
    if (parts.size() == 1)
        return parts.front();
    auto result = shamir::combine(parts);
    if (auto* err = std::get_if<std::string>(&result))
        return "failed to compute combined key: " + *err;
    return std::get<bytes>(std::move(result));
}

keyring wrap_root(const seal_config& cfg, const bytes& unseal_key, const bytes& root_key)
{
    const std::string plain(root_key.begin(), root_key.end());
    return keyring{cfg, barrier::encrypt(unseal_key, plain, root_aad)};
}

std::optional<bytes> open_root(const keyring& ring, const bytes& unseal_key)
{
    if (unseal_key.size() != barrier::key_size)
        return std::nullopt;
    auto plain = barrier::decrypt(unseal_key, ring.wrapped_root, root_aad);
    if (!plain)
        return std::nullopt;
    return bytes(plain->begin(), plain->end());
}

std::optional<bytes> decode_share(std::string_view text)
{
    if (auto key = hex_decode(text); key && key->size() >= min_key_len && key->size() <= max_key_len)
        return key;
    return base64_decode(text);
}

}  // namespace vsim
