// Unseal attempts (vault/core.go unsealFragment semantics).
#include "unseal.hpp"

#include <algorithm>

namespace vsim {

unseal_progress::outcome unseal_progress::submit(const keyring& ring, const bytes& share)
{
    if (share.size() < min_key_len)
        return failed{"invalid key: key is shorter than minimum " + std::to_string(min_key_len) + " bytes"};
    if (share.size() > max_key_len)
        return failed{"invalid key: key is longer than maximum " + std::to_string(max_key_len) + " bytes"};
    if (std::find(parts_.begin(), parts_.end(), share) != parts_.end())
        return pending{};
    if (nonce_.empty())
        nonce_ = uuid();
    parts_.push_back(share);
    if (progress() < ring.config.threshold)
        return pending{};

    // Threshold reached: this attempt is over whatever the outcome (Vault clears unlockInfo).
    auto combined = combine_shares(parts_);
    reset();
    if (auto* err = std::get_if<std::string>(&combined))
        return failed{"invalid key: " + *err};
    auto root = open_root(ring, std::get<bytes>(combined));
    if (!root)
        return failed{"Unseal failed, invalid key"};
    return unsealed{std::move(*root)};
}

void unseal_progress::reset()
{
    parts_.clear();
    nonce_.clear();
}

}  // namespace vsim
