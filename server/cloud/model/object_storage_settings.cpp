// The object storages' keys (see object_storage_settings.hpp).
#include "cloud/model/object_storage_settings.hpp"

namespace vk::cloud {
namespace {

// Parts of a multipart upload in flight at once (S3 and Azure; GCS sends one streamed PUT).
unsigned read_upload_concurrency(object_reader& r)
{
    return static_cast<unsigned>(r.integer_or("upload_concurrency", 1, 16, 4));
}

s3_server_side_encryption read_sse(object_reader& r)
{
    s3_server_side_encryption sse;
    auto o = r.object("server_side_encryption");
    if (!o)
        return sse;
    sse.type = o->one_of("type", {"AES256", "aws:kms"}, "AES256");
    sse.kms_key_id = o->string_or("kms_key_id", "");
    if (!sse.kms_key_id.empty() && sse.type != "aws:kms")
        o->problem("kms_key_id", "only with \"type\": \"aws:kms\"");
    o->finish();
    return sse;
}

// How long before a temporary credential expires it is refreshed (advisory: a failure keeps it; mandatory: a
// failure fails).
void read_refresh_windows(object_reader& r, duration& advisory, duration& mandatory)
{
    advisory = r.dur_or("refresh_advisory", advisory);
    mandatory = r.dur_or("refresh_mandatory", mandatory);
    if (mandatory > advisory)
        r.problem("refresh_mandatory", "must not exceed refresh_advisory");
}

// Where keys come from when none are given: the default chain, a profile, a role assumed on top.
void read_s3_identity(object_reader& r, s3_storage_settings& s)
{
    r.one_of("credentials", {"default"}, "default");
    if (r.has("credentials") && r.has("access_key_id"))
        r.problem("credentials",
                  "give either access_key_id and secret_access_key or \"credentials\": \"default\"");
    s.profile = r.string("profile");
    if (s.profile && r.has("access_key_id"))
        r.problem("profile", "a profile is read only without access_key_id");
    s.assume_role_arn = r.string("assume_role_arn");
    if (s.assume_role_arn && !s.assume_role_arn->starts_with("arn:"))
        r.problem("assume_role_arn", "must be a role ARN (arn:aws:iam::<account>:role/<name>)");
    s.assume_role_session_name = r.string_or("assume_role_session_name", s.assume_role_session_name);
    s.external_id = r.string("external_id");
    for (auto key : {"assume_role_session_name", "external_id"})
        if (r.has(key) && !s.assume_role_arn)
            r.problem(key, "only with assume_role_arn");
    s.sts_endpoint = read_endpoint(r, "sts_endpoint");
    read_refresh_windows(r, s.refresh_advisory, s.refresh_mandatory);
}

s3_storage_settings read_s3(object_reader& r)
{
    s3_storage_settings s;
    s.bucket = r.string("bucket", need::required).value_or("");
    s.region = r.string_or("region", s.region);
    s.endpoint = read_endpoint(r);
    s.force_path_style = r.boolean_or("force_path_style", false);
    s.key_prefix = r.string_or("key_prefix", "");
    s.server_side_encryption = read_sse(r);
    s.access_key_id = r.secret_value("access_key_id");
    s.secret_access_key = r.secret_value("secret_access_key");
    s.session_token = r.secret_value("session_token");
    if (r.has("access_key_id") != r.has("secret_access_key"))
        r.problem(r.has("access_key_id") ? "secret_access_key" : "access_key_id",
                  "give access_key_id and secret_access_key together");
    read_s3_identity(r, s);
    s.upload_concurrency = read_upload_concurrency(r);
    return s;
}

// Shared Key, a SAS token, or ("credentials": "default", also when neither is given) an Azure identity.
void read_azure_identity(object_reader& r, azure_storage_settings& s)
{
    s.account_key = r.secret_value("account_key").value_or(secret{});
    s.sas_token = r.secret_value("sas_token");
    if (s.sas_token)
        *s.sas_token =
            secret(std::string(s.sas_token->reveal().substr(s.sas_token->reveal().starts_with('?'))),
                   s.sas_token->source());
    r.one_of("credentials", {"default"}, "default");
    auto given = int(r.has("account_key")) + int(r.has("sas_token")) + int(r.has("credentials"));
    if (given > 1)
        r.problem("credentials", "give one of account_key, sas_token or \"credentials\": \"default\"");
    s.client_id = r.string("client_id");
    if (s.client_id && (r.has("account_key") || r.has("sas_token")))
        r.problem("client_id", "only with an identity (no account_key or sas_token)");
    s.refresh_before = r.dur_or("refresh_before", s.refresh_before);
    s.ca_file = r.string_or("ca_file", "");
}

azure_storage_settings read_azure(object_reader& r)
{
    azure_storage_settings s;
    s.account_name = r.string("account_name", need::required).value_or("");
    s.container = r.string("container", need::required).value_or("");
    s.endpoint = read_endpoint(r);
    s.key_prefix = r.string_or("key_prefix", "");
    read_azure_identity(r, s);
    s.upload_concurrency = read_upload_concurrency(r);
    return s;
}

// HMAC keys, or OAuth tokens from a key file or Application Default Credentials.
void read_gcs_identity(object_reader& r, gcs_storage_settings& s)
{
    s.hmac_access_id = r.secret_value("hmac_access_id").value_or(secret{});
    s.hmac_secret = r.secret_value("hmac_secret").value_or(secret{});
    if (r.has("hmac_access_id") != r.has("hmac_secret"))
        r.problem(r.has("hmac_access_id") ? "hmac_secret" : "hmac_access_id",
                  "give hmac_access_id and hmac_secret together");
    r.one_of("credentials", {"default"}, "default");
    s.service_account_key_file = r.string("service_account_key_file");
    for (auto key : {"credentials", "service_account_key_file"})
        if (r.has(key) && r.has("hmac_access_id"))
            r.problem(key, "give either hmac_access_id and hmac_secret or OAuth credentials");
    if (s.service_account_key_file && !s.service_account_key_file->starts_with("/"))
        r.problem("service_account_key_file", "must be an absolute file path");
    read_refresh_windows(r, s.refresh_advisory, s.refresh_mandatory);
}

gcs_storage_settings read_gcs(object_reader& r)
{
    gcs_storage_settings s;
    s.bucket = r.string("bucket", need::required).value_or("");
    s.endpoint = read_endpoint(r);
    s.key_prefix = r.string_or("key_prefix", "");
    read_gcs_identity(r, s);
    return s;
}

}  // namespace

std::string read_endpoint(object_reader& r, std::string_view key)
{
    auto e = r.string_or(key, "");
    if (!e.empty() && !e.starts_with("http://") && !e.starts_with("https://"))
        r.problem(key, "must start with http:// or https://");
    while (e.ends_with("/"))
        e.pop_back();
    return e;
}

std::optional<object_storage_spec> read_object_storage(object_reader& r, std::string_view type,
                                                       const std::string& name)
{
    auto named = [&](auto s) -> object_storage_spec {
        s.name = name;
        return s;
    };
    if (type == "s3")
        return named(read_s3(r));
    if (type == "azure")
        return named(read_azure(r));
    if (type == "gcs")
        return named(read_gcs(r));
    return std::nullopt;
}

}  // namespace vk::cloud
