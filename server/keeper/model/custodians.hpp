// Human custodians' shares, decided without I/O: a custodian's OpenPGP public key as Vault's pgp_keys wants
// it (binary, base64), the pgp_keys list of a new set (the keeper's own key for the stores' shares, then one
// custodian each, in place_with_custodians' order), and the record of each custodian's encrypted share with
// who fetched it. The keeper never holds a custodian's share in clear: only Vault's message to their key.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_CUSTODIANS_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_CUSTODIANS_HPP

#include "core/error.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vk::keeper {

struct openpgp_public_key
{
    std::string binary;       // the transferable public key, binary (ASCII armour removed)
    std::string fingerprint;  // v4: 40 upper-case hex digits
};

// The public key in `file` (ASCII armour or binary). invalid_argument saying what is wrong (not OpenPGP,
// a secret key, not a v4 key) without quoting the file.
result<openpgp_public_key> read_public_key(std::string_view file);

// One custodian's share of a set as recorded: Vault's OpenPGP message to their key and its first fetch.
struct custodian_share
{
    std::string name;
    std::string fingerprint;  // the key Vault encrypted to
    std::string message;      // base64 of the binary OpenPGP message, as Vault answered ("" until answered)
    std::string fetched_by;   // the admin token's name of the first fetch ("" never fetched)
    std::int64_t fetched_unix = 0;
    int fetches = 0;
    bool operator==(const custodian_share&) const = default;
};

// The share as the state record keeps it (its every field), and back (a missing field is its default).
boost::json::object to_json(const custodian_share& c);
custodian_share custodian_share_from(const boost::json::object& o);

// Vault's pgp_keys for a set whose stores take `store_shares` shares (all to `own_key_b64`, the keeper's
// key of this procedure), then one per custodian key, in order.
std::vector<std::string> pgp_keys_for(int store_shares, const std::string& own_key_b64,
                                      const std::vector<std::string>& custodian_keys_b64);

// A share as the stores keep it (base64, as Vault's keys_base64) from the plaintext of Vault's OpenPGP
// message, which is the share's hex. bad_response when it is not hex.
result<std::string> share_from_pgp_plaintext(std::string_view hex);

// Whether a rekey's announced fingerprints end with the custodians' (case ignored): how a rekey of ours is
// told from another's after a crash lost its nonce. Empty `announced` matches (the sims do not announce).
bool custodian_fingerprints_match(const std::vector<std::string>& announced,
                                  const std::vector<custodian_share>& custodians);

// A custodian's download: the first one is recorded (who, when); a later one is refused with conflict
// (naming who fetched it and when) unless `again`, which is then counted. not_found for a custodian the set
// does not name or whose share Vault has not answered yet.
result<custodian_share> fetch_share(std::vector<custodian_share>& shares, std::string_view name,
                                    const std::string& who, std::int64_t now_unix, bool again);

}  // namespace vk::keeper

#endif
