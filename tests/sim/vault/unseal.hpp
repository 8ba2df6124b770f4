// Progress of one unseal attempt on one node: distinct shares collected until the threshold is reached.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_UNSEAL_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_UNSEAL_HPP

#include <string>
#include <variant>
#include <vector>

#include "keyring.hpp"

namespace vsim {

class unseal_progress
{
public:
    struct pending
    {
    };
    struct unsealed
    {
        bytes root_key;
    };
    struct failed
    {
        std::string message;
    };
    using outcome = std::variant<pending, unsealed, failed>;

    // Adds one share. A share already given in this attempt is ignored (no progress), as in Vault. At the
    // threshold the attempt ends either way: the root key, or "Unseal failed, invalid key"-style errors.
    outcome submit(const keyring& ring, const bytes& share);
    void reset();
    int progress() const { return static_cast<int>(parts_.size()); }
    // Empty when no attempt is in progress.
    const std::string& nonce() const { return nonce_; }

private:
    std::vector<bytes> parts_;
    std::string nonce_;
};

}  // namespace vsim

#endif
