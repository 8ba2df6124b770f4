// The settings of an object storage (S3, GCS through its XML API, Azure Blob) and how one is read from its
// JSON: the same keys wherever one is configured (a snapshot job's storages, a keeper job's shard stores).
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_OBJECT_STORAGE_SETTINGS_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_OBJECT_STORAGE_SETTINGS_HPP

#include "cloud/model/gcp_token.hpp"
#include "core/config.hpp"
#include "core/config_reader.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace vk::cloud {

// S3 server-side encryption: "" (none), "AES256" or "aws:kms" (with kms_key_id, optional).
struct s3_server_side_encryption
{
    std::string type;
    std::string kms_key_id;
};

struct s3_storage_settings
{
    std::string name;
    std::string bucket;
    std::string region = "us-east-1";
    std::string endpoint;  // "" = AWS (https://s3.<region>.amazonaws.com); else "http(s)://host[:port]"
    bool force_path_style = false;
    std::string key_prefix;  // prepended to object names as is ("vault/")
    s3_server_side_encryption server_side_encryption;
    // Absent ("credentials": "default"): the AWS default chain (cloud/model/aws_chain.hpp).
    std::optional<secret> access_key_id;
    std::optional<secret> secret_access_key;
    std::optional<secret> session_token;
    std::optional<std::string> profile;  // a profile of the shared files (skips the environment's keys)
    std::optional<std::string> assume_role_arn;  // AssumeRole on top of whichever source answered
    std::string assume_role_session_name = "vaultkeeper";
    std::optional<std::string> external_id;
    std::string sts_endpoint;  // "" = https://sts.<region>.amazonaws.com
    // Refresh windows before a temporary credential's Expiration (botocore's 15 and 10 minutes).
    duration refresh_advisory{std::chrono::minutes(15)};
    duration refresh_mandatory{std::chrono::minutes(10)};
    unsigned upload_concurrency = 4;  // multipart upload parts in flight (1..16)
};

struct azure_storage_settings
{
    std::string name;
    std::string account_name;
    secret account_key;  // base64, as the portal shows it; empty: a SAS token or an identity
    std::string container;
    std::string endpoint;  // "" = https://<account>.blob.core.windows.net; else the full service URL
                           // (sovereign clouds, azurite "http://127.0.0.1:10000/devstoreaccount1")
    std::string key_prefix;
    std::optional<secret> sas_token;  // appended to every request's query (no leading '?')
    // Neither key nor SAS ("credentials": "default"): OAuth tokens of a workload or managed identity
    // (cloud/model/azure_identity.hpp); client_id picks a user-assigned managed identity.
    std::optional<std::string> client_id;
    duration refresh_before{std::chrono::minutes(5)};  // azure-identity's refresh offset
    std::string ca_file;              // PEM bundle trusted for the endpoint besides the system store
    unsigned upload_concurrency = 4;  // blocks in flight (1..16)
};

// GCS through its S3-interoperable XML API, with HMAC keys or OAuth tokens.
struct gcs_storage_settings
{
    std::string name;
    std::string bucket;
    secret hmac_access_id;  // both empty ("credentials": "default"): OAuth tokens instead of HMAC keys
    secret hmac_secret;
    std::string endpoint;  // "" = https://storage.googleapis.com
    std::string key_prefix;
    // OAuth: this key file's JWT grant, else Application Default Credentials (cloud/model/gcp_chain.hpp).
    std::optional<std::string> service_account_key_file;
    // Refresh windows before a token's expiry (cloud/gcp_token_provider.hpp).
    duration refresh_advisory{gcp::refresh_threshold};
    duration refresh_mandatory{gcp::last_usable};

    bool oauth() const { return hmac_access_id.empty(); }
};

using object_storage_spec = std::variant<s3_storage_settings, azure_storage_settings, gcs_storage_settings>;

// The keys of an "s3", "azure" or "gcs" storage named `name`, problems at their pointers; nullopt for any
// other type.
std::optional<object_storage_spec> read_object_storage(object_reader& r, std::string_view type,
                                                       const std::string& name);

// An endpoint key: "" or an http(s) URL without its trailing slashes (a problem at `key` otherwise).
std::string read_endpoint(object_reader& r, std::string_view key = "endpoint");

}  // namespace vk::cloud

#endif
