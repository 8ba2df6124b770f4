// How a store seals its objects at rest, behind one interface the stores hold: a static key ring seals in
// place (kek_ring.hpp), a transit kek wraps a fresh data key per object through another Vault
// (envelope.hpp). Sealing is a coroutine because the transit wrap and unwrap are Vault calls; nothing secret
// is kept between calls (a data key lives for one seal or open).
#ifndef VAULTKEEPER_SERVER_KEEPER_OBJECT_SEALER_HPP
#define VAULTKEEPER_SERVER_KEEPER_OBJECT_SEALER_HPP

#include "core/error.hpp"
#include "keeper/model/kek_ring.hpp"
#include "keeper/model/settings.hpp"
#include "vault/model/types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>

namespace vk::keeper {

class object_sealer
{
public:
    virtual ~object_sealer() = default;

    // The sealed bytes of `plaintext` as object `name`. Errors: those of sealing, and for transit the Vault
    // call's (transport_error, sealed, permission_denied, ...) naming the Vault, never a value.
    virtual boost::asio::awaitable<result<std::string>> seal(std::string name, std::string plaintext) = 0;
    // The plaintext of `sealed`, and whether it is under an old key (a previous ring key, or a transit key
    // version older than the latest known): to be rewritten. bad_response when it does not open.
    virtual boost::asio::awaitable<result<opened_object>> open(std::string name, std::string sealed) = 0;
    // `sealed` moved under the current key (a rotation's background step), nullopt when it already is. A
    // static ring opens and seals again; a transit envelope is rewrapped: its data key moved to the latest
    // transit key version by the other Vault (rewrap/<key>: never seen in clear here), its body as it was.
    virtual boost::asio::awaitable<result<std::optional<std::string>>> reseal(std::string name,
                                                                              std::string sealed) = 0;

    // A cycle's look at the transit key: its versions are read again (a rotation makes older wraps old).
    // Nothing for a static ring. A failure is the Vault call's.
    virtual boost::asio::awaitable<result<void>> refresh() { co_return result<void>(); }

    // The configured Vault this sealer needs and could not reach on its last call (nullopt: none needed, or
    // it answered).
    virtual std::optional<std::string> waits_on_vault() const { return std::nullopt; }
    // The Vault whose transit key wraps the data keys (nullopt for a static ring).
    virtual std::optional<std::string> transit_vault() const { return std::nullopt; }
    // The transit key's versions as last read (nullopt for a static ring or before the first read).
    virtual std::optional<vault::transit_key_info> transit_versions() const { return std::nullopt; }
};

// A sealer with a static key ring (synchronous underneath).
std::shared_ptr<object_sealer> ring_sealer(kek_ring ring);
// The sealer of a store's kek (a file or object store's settings): its transit kek when one is configured,
// else its ring. A transit Vault client that cannot be built (bad TLS files) gives a sealer failing every
// call with why: the store is unusable, the keeper still runs on the others.
std::shared_ptr<object_sealer> make_sealer(const kek_ring& ring, const std::optional<transit_kek>& transit,
                                           boost::asio::any_io_executor ex);

}  // namespace vk::keeper

#endif
