// The S3 / GCS storage shell: builds each request, signs it (model/sigv4), sends it through the HTTP client
// and reads the answer (model/s3_protocol). See s3_storage.hpp.
#include "snapshot/s3_storage.hpp"

#include "cloud/aws_credential_provider.hpp"

#include "cloud/model/signing_crypto.hpp"
#include "cloud/model/sigv4.hpp"
#include "cloud/model/xml_reader.hpp"
#include "snapshot/model/part_plan.hpp"
#include "snapshot/model/s3_protocol.hpp"
#include "snapshot/part_sender.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace vk::snapshot {

namespace sigv4 = cloud::sigv4;
namespace crypto = cloud::crypto;
namespace xml = cloud::xml;

namespace asio = boost::asio;

namespace {

struct s3_config
{
    std::string storage_name;
    std::string endpoint;  // "scheme://host[:port]"
    std::string bucket;
    bool path_style = false;
    std::string key_prefix;
    sigv4::scope scope;
    std::string meta_header;  // where the SHA-256 goes: x-amz-meta-sha256 (S3) or x-goog-meta-sha256 (GCS)
    // The write precondition: If-None-Match: * (S3: PutObject, CompleteMultipartUpload), or GCS's own
    // x-goog-if-generation-match: 0 ("no live object of this name").
    fields create_only;
    s3_server_side_encryption sse;
    std::shared_ptr<cloud::aws::credential_provider> credentials;  // asked before each request is signed
    // GCS with OAuth: "Authorization: Bearer" with its token instead of a SigV4 signature.
    std::shared_ptr<cloud::gcp::token_provider> bearer;
};

class s3_storage final : public object_storage
{
public:
    s3_storage(s3_config c, asio::any_io_executor ex, object_store_options o)
        : object_storage(std::move(ex), o),
          cfg_(std::move(c))
    {
        // Addressing is known before the first request (a bad endpoint fails at use).
        if (auto where = http::parse_url(cfg_.endpoint))
        {
            addressing_ = s3::address(http::host_header(where->where), cfg_.bucket, cfg_.path_style);
            base_url_ = where->where.scheme + "://" + addressing_.host;
        }
    }

    const std::string& name() const noexcept override { return cfg_.storage_name; }

    asio::awaitable<result<std::vector<stored_snapshot>>> list() override
    {
        std::vector<stored_snapshot> out;
        std::optional<std::string> token;
        do
        {
            object_call call;
            call.query = {{"list-type", "2"}};
            if (!cfg_.key_prefix.empty())
                call.query.emplace_back("prefix", cfg_.key_prefix);
            if (token)
                call.query.emplace_back("continuation-token", *token);
            if (opts_.list_page_size)
                call.query.emplace_back("max-keys", std::to_string(opts_.list_page_size));
            auto r = co_await send(std::move(call), "list objects");
            if (!r)
                co_return r.error();
            auto page = s3::parse_list_objects_v2(r->body);
            if (!page)
                co_return page.error();
            for (auto& o : page->objects)
                add_listed(out, o);
            token = std::move(page->next_token);
        } while (token);
        if (opts_.list_sums)
            co_await read_recent_sums(out);
        co_return out;
    }

private:
    // ListObjectsV2 carries no metadata: the SHA-256 of the newest objects is read with HEAD, one request
    // each, so a listing of thousands (retention) stays cheap. A HEAD that fails leaves the sum unknown.
    static constexpr std::size_t sums_read_per_list = 32;

    asio::awaitable<void> read_recent_sums(std::vector<stored_snapshot>& out)
    {
        std::vector<stored_snapshot*> newest;
        for (auto& s : out)
            newest.push_back(&s);
        auto n = std::min(newest.size(), sums_read_per_list);
        std::partial_sort(newest.begin(), newest.begin() + static_cast<std::ptrdiff_t>(n), newest.end(),
                          [](const auto* a, const auto* b) { return a->time > b->time; });
        for (std::size_t i = 0; i < n; ++i)
        {
            object_call head;
            head.method = "HEAD";
            head.path = object_path(newest[i]->name);
            auto r = co_await send(std::move(head), "head object");
            if (auto sum = r ? r->headers.get(cfg_.meta_header) : std::nullopt)
                newest[i]->sha256 = std::string(*sum);
        }
    }

    std::string object_path(const std::string& object) const override { return cfg_.key_prefix + object; }

    // A listed key under the prefix, without it; deeper "folders" are not ours.
    void add_listed(std::vector<stored_snapshot>& out, const s3::listed_object& o) const
    {
        auto name = o.key.substr(std::min(cfg_.key_prefix.size(), o.key.size()));
        if (name.empty() || name.find('/') != std::string::npos)
            return;
        out.push_back({std::move(name), o.size, o.last_modified, std::nullopt});
    }

    // Headers that make the object: metadata, encryption, type (PutObject and CreateMultipartUpload).
    fields whole_object_headers(const std::string& sha256_hex) const override
    {
        fields h{{"Content-Type", "application/octet-stream"}, {cfg_.meta_header, sha256_hex}};
        if (!cfg_.sse.type.empty())
            h.emplace_back("x-amz-server-side-encryption", cfg_.sse.type);
        if (cfg_.sse.type == "aws:kms" && !cfg_.sse.kms_key_id.empty())
            h.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", cfg_.sse.kms_key_id);
        return h;
    }

    fields create_only_headers() const override { return cfg_.create_only; }

    // Create, send the parts, complete; any failure aborts the upload so no parts linger (and the object
    // never appears: S3 makes it visible only at completion).
    asio::awaitable<result<void>> put_parts(const std::filesystem::path& file, const std::string& object,
                                            const std::string& sha256_hex, std::uint64_t size) override
    {
        auto key = object_path(object);
        object_call create;
        create.method = "POST";
        create.path = key;
        create.query = {{"uploads", ""}};
        create.headers = whole_object_headers(sha256_hex);
        auto created = co_await send(std::move(create), "create multipart upload");
        if (!created)
            co_return created.error();
        auto id = s3::parse_upload_id(created->body);
        if (!id)
            co_return id.error();
        auto done = co_await send_parts(file, key, *id, size);
        if (done)
            done = co_await complete(key, *id, *done);
        if (!done)
        {
            object_call abort;
            abort.method = "DELETE";
            abort.path = key;
            abort.query = {{"uploadId", *id}};
            // Best effort: the first error is the story.
            (void)co_await send(std::move(abort), "abort multipart upload");
            co_return done.error();
        }
        co_return result<void>{};
    }

    // Uploads the parts, upload_concurrency at a time, each retried alone (part_sender.hpp); returns their
    // ETags in part order.
    asio::awaitable<result<std::vector<std::string>>> send_parts(const std::filesystem::path& file,
                                                                 const std::string& key,
                                                                 const std::string& id, std::uint64_t size)
    {
        auto plan = plan_parts(s3_part_limits, size, opts_.part_size);
        if (!plan)
            co_return plan.error();
        send_part_fn send_one = [&](std::uint64_t i) -> asio::awaitable<result<std::string>> {
            object_call part;
            part.path = key;
            part.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", id}};
            auto what = "upload part " + std::to_string(i + 1);
            auto r = co_await put_region(file, plan->offset(i), plan->length(i, size), std::move(part), what);
            if (!r)
                co_return r.error();
            auto etag = r->headers.get("ETag");
            if (!etag)
                co_return make_error(errc::bad_response, what + ": no ETag", cfg_.endpoint, key);
            co_return std::string(*etag);
        };
        co_return co_await send_parts_parallel(plan->count, opts_.upload_concurrency, send_one);
    }

    asio::awaitable<result<std::vector<std::string>>> complete(const std::string& key, const std::string& id,
                                                               const std::vector<std::string>& etags)
    {
        object_call call;
        call.method = "POST";
        call.path = key;
        call.query = {{"uploadId", id}};
        call.headers = {{"Content-Type", "application/xml"}};
        for (auto& h : create_only_headers())
            call.headers.push_back(std::move(h));
        call.body = s3::complete_multipart_body(etags);
        auto r = co_await send(std::move(call), "complete multipart upload");
        if (!r)
            co_return r.error();
        // S3 may answer 200 and still fail: the error is in the body.
        if (auto code = xml::error_code(r->body))
            co_return make_error(errc::server_error, "complete multipart upload: " + *code, cfg_.endpoint,
                                 key);
        co_return etags;
    }

    asio::awaitable<result<http::response>> send(object_call call, std::string_view what) override
    {
        if (base_url_.empty())
            co_return make_error(errc::invalid_argument, "bad endpoint " + cfg_.endpoint);
        auto c = client(base_url_);
        if (!c)
            co_return c.error();
        sigv4::request sr;
        sr.method = call.method;
        // The bucket itself is "/" (virtual-hosted) or "/bucket" (path-style), an object ".../key".
        sr.path = call.path.empty() && !addressing_.path_prefix.empty()
                      ? addressing_.path_prefix
                      : addressing_.path_prefix + "/" + call.path;
        sr.query = std::move(call.query);
        sr.headers = {{"host", addressing_.host}};
        sr.headers.insert(sr.headers.end(), call.headers.begin(), call.headers.end());
        auto authorized = co_await authorize(sr, call);
        if (!authorized)
            co_return authorized.error();
        http::client_request req;
        req.method = call.method;
        req.target = sigv4::target(sr);
        for (const auto& [k, v] : sr.headers)
            if (k != "host")  // the client sends the same Host itself
                req.headers.add(k, v);
        req.body = std::move(call.body);
        req.upload = std::move(call.upload);
        req.download = std::move(call.download);
        co_return co_await perform(req, what, cfg_.endpoint, call.path);
    }

    // A Bearer token (GCS with OAuth) or a SigV4 signature added to sr's headers.
    asio::awaitable<result<void>> authorize(sigv4::request& sr, const object_call& call)
    {
        if (cfg_.bearer)
        {
            auto token = co_await cfg_.bearer->current();
            if (!token)
                co_return token.error();
            sr.headers.emplace_back("Authorization", "Bearer " + *token);
            co_return result<void>{};
        }
        auto creds = co_await cfg_.credentials->current();
        if (!creds)
            co_return creds.error();
        sr.payload_hash = call.upload ? std::string(sigv4::unsigned_payload) : crypto::sha256_hex(call.body);
        sigv4::sign_headers(sr, *creds, cfg_.scope, sigv4::amz_date(std::chrono::system_clock::now()));
        co_return result<void>{};
    }

    s3_config cfg_;
    s3::addressing addressing_;
    std::string base_url_;
};

}  // namespace

cloud::aws::provider_settings aws_provider_settings(const s3_storage_settings& s)
{
    cloud::aws::provider_settings p;
    if (s.access_key_id && s.secret_access_key)
        p.chain.static_keys =
            cloud::aws::credentials{{s.access_key_id->reveal(), s.secret_access_key->reveal(),
                                     s.session_token ? s.session_token->reveal() : ""},
                                    {}};
    p.chain.profile = s.profile;
    if (s.assume_role_arn)
        p.chain.assume_role =
            cloud::aws::assume_role_params{*s.assume_role_arn, s.assume_role_session_name, s.external_id};
    p.region = s.region;
    p.sts_endpoint = s.sts_endpoint;
    p.windows = {std::chrono::duration_cast<std::chrono::seconds>(s.refresh_advisory),
                 std::chrono::duration_cast<std::chrono::seconds>(s.refresh_mandatory)};
    return p;
}

std::unique_ptr<object_storage> make_s3_storage(const s3_storage_settings& s, asio::any_io_executor ex,
                                                const object_store_options& o)
{
    s3_config c;
    c.storage_name = s.name;
    c.endpoint = s.endpoint.empty() ? "https://s3." + s.region + ".amazonaws.com" : s.endpoint;
    c.bucket = s.bucket;
    c.path_style = s.force_path_style;
    c.key_prefix = s.key_prefix;
    c.scope = {s.region, "s3"};
    c.meta_header = "x-amz-meta-sha256";
    c.create_only = {{"If-None-Match", "*"}};
    c.sse = s.server_side_encryption;
    c.credentials = std::make_shared<cloud::aws::credential_provider>(aws_provider_settings(s), ex);
    auto options = o;
    options.upload_concurrency = s.upload_concurrency;
    return std::make_unique<s3_storage>(std::move(c), std::move(ex), options);
}

cloud::gcp::provider_settings gcp_provider_settings(const gcs_storage_settings& s)
{
    return {s.service_account_key_file,
            {std::chrono::duration_cast<std::chrono::seconds>(s.refresh_advisory),
             std::chrono::duration_cast<std::chrono::seconds>(s.refresh_mandatory)}};
}

// GCS's XML API takes SigV4 with HMAC keys or an OAuth Bearer token; its region is "auto"; it keeps metadata
// as x-goog-meta-*. Its XML multipart uploads take no preconditions, so a snapshot goes in one streamed PUT
// whatever its size (up to GCS's 5 TiB per object), which x-goog-if-generation-match: 0 keeps from replacing
// anything.
std::unique_ptr<object_storage> make_gcs_storage(const gcs_storage_settings& s, asio::any_io_executor ex,
                                                 object_store_options o)
{
    o.part_size = std::numeric_limits<std::uint64_t>::max();
    s3_config c;
    c.storage_name = s.name;
    c.endpoint = s.endpoint.empty() ? "https://storage.googleapis.com" : s.endpoint;
    c.bucket = s.bucket;
    c.path_style = true;
    c.key_prefix = s.key_prefix;
    c.scope = {"auto", "s3"};
    c.meta_header = "x-goog-meta-sha256";
    c.create_only = {{"x-goog-if-generation-match", "0"}};
    if (s.oauth())
        c.bearer = std::make_shared<cloud::gcp::token_provider>(gcp_provider_settings(s), ex);
    else
    {
        cloud::aws::provider_settings keys;
        keys.chain.static_keys =
            cloud::aws::credentials{{s.hmac_access_id.reveal(), s.hmac_secret.reveal(), ""}, {}};
        c.credentials = std::make_shared<cloud::aws::credential_provider>(std::move(keys), ex);
    }
    return std::make_unique<s3_storage>(std::move(c), std::move(ex), o);
}

}  // namespace vk::snapshot
