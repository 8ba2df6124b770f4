// The cloud storages (S3, Azure Blob, GCS through its S3-interoperable API): constructed from their parsed
// settings. Construction does no I/O; a storage that cannot work (bad endpoint...) fails at use.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_CLOUD_STORAGES_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_CLOUD_STORAGES_HPP

#include "snapshot/model/settings.hpp"
#include "snapshot/snapshot_storage.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <memory>

namespace vk::snapshot {

std::unique_ptr<snapshot_storage> make_s3_storage(const s3_storage_settings& s,
                                                  boost::asio::any_io_executor ex);
std::unique_ptr<snapshot_storage> make_azure_storage(const azure_storage_settings& s,
                                                     boost::asio::any_io_executor ex);
std::unique_ptr<snapshot_storage> make_gcs_storage(const gcs_storage_settings& s,
                                                   boost::asio::any_io_executor ex);

}  // namespace vk::snapshot

#endif
