// The keeper's own OpenPGP key of one procedure (init or rekey): Vault's pgp_keys must name a key for every
// share once custodians take some, so the stores' shares come encrypted to this key and are decrypted here
// at once, then sealed into the stores as any shard. The key lives in a private temporary GNUPGHOME (0700)
// that is removed, with its gpg-agent, when the key is dropped (one a killed process left is swept when the
// next key is made); it is never written anywhere else. GPGME is
// used only behind this interface (keeper/pgp.cpp).
#ifndef VAULTKEEPER_SERVER_KEEPER_PGP_HPP
#define VAULTKEEPER_SERVER_KEEPER_PGP_HPP

#include "core/error.hpp"
#include "core/secret.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace vk::keeper {

class procedure_key
{
public:
    // A fresh key pair (GnuPG's default algorithms, no passphrase). internal naming GPGME's failure.
    static result<std::unique_ptr<procedure_key>> generate();
    ~procedure_key();
    procedure_key(const procedure_key&) = delete;
    procedure_key& operator=(const procedure_key&) = delete;

    const std::string& public_key() const noexcept { return public_key_; }  // binary, as pgp_keys wants
    const std::string& fingerprint() const noexcept { return fingerprint_; }
    // The plaintext of a binary OpenPGP message to this key. bad_response when it does not decrypt.
    result<secret> decrypt(std::string_view message) const;

private:
    procedure_key() = default;
    std::string home_;
    std::string public_key_;
    std::string fingerprint_;
};

}  // namespace vk::keeper

#endif
