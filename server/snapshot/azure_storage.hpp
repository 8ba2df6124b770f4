// Azure Blob Storage as a snapshot storage: Shared Key auth, a SAS token in the query, or a bearer token of a
// workload / managed identity (cloud/azure_token_provider.hpp) on every request; Put Blob up to the part
// size, Put Block per part above it with the block list committed last (the blob appears only then), both
// with If-None-Match: * so an existing blob is never replaced; the file's SHA-256 as blob metadata
// (x-ms-meta-sha256); List Blobs followed to the last NextMarker; Delete Blob; Get Blob streamed into a
// file. The endpoint may be any service URL (sovereign clouds, azurite).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_AZURE_STORAGE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_AZURE_STORAGE_HPP

#include "cloud/azure_token_provider.hpp"
#include "snapshot/model/settings.hpp"
#include "snapshot/object_store.hpp"
#include "snapshot/snapshot_storage.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <memory>

namespace vk::snapshot {

std::unique_ptr<object_storage> make_azure_storage(const azure_storage_settings& s,
                                                   boost::asio::any_io_executor ex,
                                                   const object_store_options& o = {});
// True when the storage authenticates with an identity's tokens (neither account_key nor sas_token).
bool uses_identity(const azure_storage_settings& s);
cloud::azure::provider_settings azure_provider_settings(const azure_storage_settings& s);
// What --check-config prints: "shared key", "SAS token", or the identity planned from the environment
// (nothing fetched).
std::string credential_source(const azure_storage_settings& s);

}  // namespace vk::snapshot

#endif
