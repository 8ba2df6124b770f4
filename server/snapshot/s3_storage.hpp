// S3 (and S3-compatible stores, and GCS through its XML API with HMAC keys) as a snapshot storage: AWS
// Signature V4 on every request; PutObject up to the part size, multipart upload above it (parts streamed
// from the file one by one, completed last, aborted on failure), both with If-None-Match: * so an existing
// object is never replaced (stores that ignore the header, like s3rver, rely on unique names alone); the
// file's SHA-256 as object metadata; ListObjectsV2 followed to the last continuation token (the SHA-256 of
// the newest 32 read back with HEAD); DeleteObject; GetObject streamed into a file.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_S3_STORAGE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_S3_STORAGE_HPP

#include "cloud/aws_credential_provider.hpp"
#include "cloud/gcp_token_provider.hpp"
#include "snapshot/model/settings.hpp"
#include "snapshot/object_store.hpp"
#include "snapshot/snapshot_storage.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <memory>

namespace vk::snapshot {

// Credentials absent from the settings come from the AWS default chain (cloud/aws_credential_provider.hpp),
// decided at the first request and refreshed before they expire. A bad endpoint fails at use
// (errc::invalid_argument). Construction does no I/O.
std::unique_ptr<object_storage> make_s3_storage(const s3_storage_settings& s, boost::asio::any_io_executor ex,
                                                const object_store_options& o = {});
// The credential provider settings of an S3 storage (also what --check-config describes).
cloud::aws::provider_settings aws_provider_settings(const s3_storage_settings& s);
// GCS: endpoint https://storage.googleapis.com, region "auto", path-style, metadata as x-goog-meta-sha256;
// every upload one streamed PUT with x-goog-if-generation-match: 0 (o.part_size is not used). Without HMAC
// keys, "Authorization: Bearer" OAuth tokens (cloud/gcp_token_provider.hpp) instead of SigV4.
// The token provider settings of a GCS storage using OAuth (also what --check-config describes).
cloud::gcp::provider_settings gcp_provider_settings(const gcs_storage_settings& s);
std::unique_ptr<object_storage>
make_gcs_storage(const gcs_storage_settings& s, boost::asio::any_io_executor ex, object_store_options o = {});

}  // namespace vk::snapshot

#endif
