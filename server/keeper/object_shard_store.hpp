// The "s3", "gcs" and "azure" shard stores: one object per keeper object at <key_prefix><name> in a bucket
// or container, through the snapshot kind's storage clients (their signing, credentials and TLS: one SigV4,
// one Shared Key). Every object is sealed client-side by the store's sealer (AES-256-GCM under the store's
// KEK, or a transit envelope; the object name as additional data) before upload; server-side encryption
// settings add to that, never replace it. Versions are ETags (S3, Azure) or generations (GCS);
// compare-and-swap by the service's conditional writes (keeper/model/object_cas.hpp). check() proves the
// service enforces them before the store may hold the state record ("cas": false skips the proof and keeps
// the record out: supports_cas() is then false).
#ifndef VAULTKEEPER_SERVER_KEEPER_OBJECT_SHARD_STORE_HPP
#define VAULTKEEPER_SERVER_KEEPER_OBJECT_SHARD_STORE_HPP

#include "keeper/model/settings.hpp"
#include "keeper/object_sealer.hpp"
#include "keeper/shard_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <memory>

namespace vk::keeper {

// Builds the store sealing with `sealer` (make_sealer() of the same settings); nothing is sent until the
// first operation (check() is the start-up probe).
std::shared_ptr<shard_store> make_object_shard_store(const object_store_settings& settings,
                                                     std::shared_ptr<object_sealer> sealer,
                                                     boost::asio::any_io_executor executor);

}  // namespace vk::keeper

#endif
