// The S3 / GCS storage shell: builds each request, signs it (model/sigv4), sends it through the HTTP client
// and reads the answer (model/s3_protocol). See s3_storage.hpp.
#include "snapshot/s3_storage.hpp"

#include "snapshot/cloud_storages.hpp"
#include "snapshot/model/s3_protocol.hpp"
#include "snapshot/model/signing_crypto.hpp"
#include "snapshot/model/sigv4.hpp"
#include "snapshot/model/xml_reader.hpp"

#include <cstdlib>

namespace vk::snapshot
{

namespace asio = boost::asio;

namespace
{

struct s3_config
{
    std::string storage_name;
    std::string endpoint; // "scheme://host[:port]"
    std::string bucket;
    bool path_style = false;
    std::string key_prefix;
    sigv4::scope scope;
    std::string meta_header; // where the SHA-256 goes: x-amz-meta-sha256 (S3) or x-goog-meta-sha256 (GCS)
    s3_server_side_encryption sse;
    std::optional<secret> access_key_id, secret_access_key, session_token;
};

// One request before signing. `key` is the object key (prefix included); empty addresses the bucket.
struct s3_call
{
    std::string method = "GET";
    std::string key;
    sigv4::fields query;
    sigv4::fields headers;
    std::string body;
    std::optional<http::body_source> upload;
    http::body_sink download;
};

std::string env_or_empty(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

// host[:port] as the HTTP client sends it in Host (the port only when not the scheme's default).
std::string host_with_port(const http::endpoint& e)
{
    bool v6 = e.host.find(':') != std::string::npos;
    std::string h = v6 ? "[" + e.host + "]" : e.host;
    bool default_port = (e.tls() && e.port == 443) || (!e.tls() && e.port == 80);
    return default_port ? h : h + ":" + std::to_string(e.port);
}

class s3_storage final : public snapshot_storage
{
  public:
    s3_storage(s3_config c, asio::any_io_executor ex, object_store_options o)
        : cfg_(std::move(c)), ex_(std::move(ex)), opts_(o)
    {
    }

    const std::string& name() const noexcept override { return cfg_.storage_name; }

    asio::awaitable<result<void>>
    upload(std::filesystem::path file, std::string object, std::string sha256_hex) override
    {
        std::error_code ec;
        auto size = std::filesystem::file_size(file, ec);
        if (ec)
            co_return make_error(errc::io_error, "reading the snapshot: " + ec.message(), {}, file.string());
        auto key = cfg_.key_prefix + object;
        if (size <= opts_.part_size)
            co_return co_await put_object(file, key, sha256_hex, size);
        co_return co_await multipart_upload(file, key, sha256_hex, size);
    }

    asio::awaitable<result<std::vector<stored_snapshot>>> list() override
    {
        std::vector<stored_snapshot> out;
        std::optional<std::string> token;
        do
        {
            s3_call call;
            call.query = {{"list-type", "2"}};
            if (!cfg_.key_prefix.empty())
                call.query.emplace_back("prefix", cfg_.key_prefix);
            if (token)
                call.query.emplace_back("continuation-token", *token);
            if (opts_.list_page_size)
                call.query.emplace_back("max-keys", std::to_string(opts_.list_page_size));
            auto r = co_await send(call, "list objects");
            if (!r)
                co_return r.error();
            auto page = s3::parse_list_objects_v2(r->body);
            if (!page)
                co_return page.error();
            for (auto& o : page->objects)
                add_listed(out, o);
            token = std::move(page->next_token);
        } while (token);
        co_return out;
    }

    asio::awaitable<result<void>> remove(std::string object) override
    {
        s3_call call;
        call.method = "DELETE";
        call.key = cfg_.key_prefix + object;
        auto r = co_await send(call, "delete object");
        if (!r && !r.error().is(errc::not_found))
            co_return r.error();
        co_return result<void>{};
    }

    asio::awaitable<result<void>> download(std::string object, std::filesystem::path to) override
    {
        auto writer = file_writer::create(to);
        if (!writer)
            co_return writer.error();
        s3_call call;
        call.key = cfg_.key_prefix + object;
        call.download = (*writer)->sink();
        auto r = co_await send(call, "get object");
        if (!r)
            co_return r.error();
        co_return (*writer)->close();
    }

  private:
    // A listed key under the prefix, without it; deeper "folders" are not ours.
    void add_listed(std::vector<stored_snapshot>& out, const s3::listed_object& o) const
    {
        auto name = o.key.substr(std::min(cfg_.key_prefix.size(), o.key.size()));
        if (name.empty() || name.find('/') != std::string::npos)
            return;
        out.push_back({std::move(name), o.size, o.last_modified, std::nullopt});
    }

    // Headers that make the object: metadata, encryption, type (PutObject and CreateMultipartUpload).
    sigv4::fields object_headers(const std::string& sha256_hex) const
    {
        sigv4::fields h{{"Content-Type", "application/octet-stream"}, {cfg_.meta_header, sha256_hex}};
        if (!cfg_.sse.type.empty())
            h.emplace_back("x-amz-server-side-encryption", cfg_.sse.type);
        if (cfg_.sse.type == "aws:kms" && !cfg_.sse.kms_key_id.empty())
            h.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", cfg_.sse.kms_key_id);
        return h;
    }

    asio::awaitable<result<void>> put_object(
        const std::filesystem::path& file,
        const std::string& key,
        const std::string& sha256_hex,
        std::uint64_t size
    )
    {
        auto src = file_region_source(file, 0, size);
        if (!src)
            co_return src.error();
        s3_call call;
        call.method = "PUT";
        call.key = key;
        call.headers = object_headers(sha256_hex);
        call.upload = std::move(*src);
        auto r = co_await send(call, "put object");
        if (!r)
            co_return r.error();
        co_return result<void>{};
    }

    // Create, send the parts, complete; any failure aborts the upload so no parts linger (and the object
    // never appears: S3 makes it visible only at completion).
    asio::awaitable<result<void>> multipart_upload(
        const std::filesystem::path& file,
        const std::string& key,
        const std::string& sha256_hex,
        std::uint64_t size
    )
    {
        s3_call create;
        create.method = "POST";
        create.key = key;
        create.query = {{"uploads", ""}};
        create.headers = object_headers(sha256_hex);
        auto created = co_await send(create, "create multipart upload");
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
            s3_call abort;
            abort.method = "DELETE";
            abort.key = key;
            abort.query = {{"uploadId", *id}};
            (void)co_await send(abort, "abort multipart upload"); // best effort: the first error is the story
            co_return done.error();
        }
        co_return result<void>{};
    }

    // Uploads the parts one after the other (one part's buffer in memory); returns their ETags.
    asio::awaitable<result<std::vector<std::string>>> send_parts(
        const std::filesystem::path& file, const std::string& key, const std::string& id, std::uint64_t size
    )
    {
        auto part_size = s3::part_size_for(size, opts_.part_size);
        std::vector<std::string> etags;
        for (std::uint64_t i = 0, n = s3::part_count(size, part_size); i < n; ++i)
        {
            auto offset = i * part_size;
            auto src = file_region_source(file, offset, std::min(part_size, size - offset));
            if (!src)
                co_return src.error();
            s3_call part;
            part.method = "PUT";
            part.key = key;
            part.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", id}};
            part.upload = std::move(*src);
            auto r = co_await send(part, "upload part " + std::to_string(i + 1));
            if (!r)
                co_return r.error();
            auto etag = r->headers.get("ETag");
            if (!etag)
                co_return make_error(errc::bad_response, "upload part: no ETag", cfg_.endpoint, key);
            etags.emplace_back(*etag);
        }
        co_return etags;
    }

    asio::awaitable<result<std::vector<std::string>>>
    complete(const std::string& key, const std::string& id, const std::vector<std::string>& etags)
    {
        s3_call call;
        call.method = "POST";
        call.key = key;
        call.query = {{"uploadId", id}};
        call.headers = {{"Content-Type", "application/xml"}};
        call.body = s3::complete_multipart_body(etags);
        auto r = co_await send(call, "complete multipart upload");
        if (!r)
            co_return r.error();
        // S3 may answer 200 and still fail: the error is in the body.
        if (auto code = xml::error_code(r->body))
            co_return make_error(
                errc::server_error, "complete multipart upload: " + *code, cfg_.endpoint, key
            );
        co_return etags;
    }

    result<sigv4::credentials> credentials() const
    {
        sigv4::credentials c;
        c.access_key_id =
            cfg_.access_key_id ? cfg_.access_key_id->reveal() : env_or_empty("AWS_ACCESS_KEY_ID");
        c.secret_access_key =
            cfg_.secret_access_key ? cfg_.secret_access_key->reveal() : env_or_empty("AWS_SECRET_ACCESS_KEY");
        bool inline_keys = cfg_.access_key_id && cfg_.secret_access_key;
        c.session_token = cfg_.session_token ? cfg_.session_token->reveal()
                          : inline_keys      ? std::string()
                                             : env_or_empty("AWS_SESSION_TOKEN");
        if (c.access_key_id.empty() || c.secret_access_key.empty())
            return make_error(
                errc::invalid_argument,
                "no credentials: set access_key_id and secret_access_key, or AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY",
                cfg_.endpoint
            );
        return c;
    }

    result<http::client*> client()
    {
        if (client_)
            return client_.get();
        auto where = http::parse_url(cfg_.endpoint);
        if (!where)
            return make_error(errc::invalid_argument, "bad endpoint " + cfg_.endpoint);
        auto a = s3::address(host_with_port(where->where), cfg_.bucket, cfg_.path_style);
        http::client_params p;
        p.base_url = where->where.scheme + "://" + a.host;
        p.timeout = opts_.request_timeout;
        p.idle_timeout = opts_.idle_timeout;
        auto c = http::client::create(ex_, std::move(p));
        if (!c)
            return c.error();
        client_ = std::move(*c);
        addressing_ = std::move(a);
        return client_.get();
    }

    // Signs and sends; a non-2xx answer is an error naming `what`.
    asio::awaitable<result<http::response>> send(const s3_call& call, std::string_view what)
    {
        auto c = client();
        if (!c)
            co_return c.error();
        auto creds = credentials();
        if (!creds)
            co_return creds.error();
        sigv4::request sr;
        sr.method = call.method;
        // The bucket itself is "/" (virtual-hosted) or "/bucket" (path-style), an object ".../key".
        sr.path = call.key.empty() && !addressing_.path_prefix.empty()
                      ? addressing_.path_prefix
                      : addressing_.path_prefix + "/" + call.key;
        sr.query = call.query;
        sr.headers = {{"host", addressing_.host}};
        sr.headers.insert(sr.headers.end(), call.headers.begin(), call.headers.end());
        sr.payload_hash = call.upload ? std::string(sigv4::unsigned_payload) : crypto::sha256_hex(call.body);
        sigv4::sign_headers(sr, *creds, cfg_.scope, sigv4::amz_date(std::chrono::system_clock::now()));
        http::client_request req;
        req.method = call.method;
        req.target = sigv4::target(sr);
        for (const auto& [k, v] : sr.headers)
            if (k != "host")
                req.headers.add(k, v);
        req.body = call.body;
        req.upload = call.upload;
        req.download = call.download;
        if (call.upload || call.download)
            req.timeout =
                std::chrono::milliseconds(0); // a transfer may take long; the idle timeout guards it
        if (call.download)
            req.idempotent = false; // a retry after some bytes reached the file would append them twice
        auto r = co_await (*c)->send(req);
        if (!r)
            co_return r.error();
        if (r->status / 100 != 2)
            co_return reply_error(cfg_.storage_name + ": " + std::string(what), *r, cfg_.endpoint, call.key);
        co_return r;
    }

    s3_config cfg_;
    asio::any_io_executor ex_;
    object_store_options opts_;
    std::unique_ptr<http::client> client_;
    s3::addressing addressing_;
};

} // namespace

std::unique_ptr<snapshot_storage>
make_s3_storage(const s3_storage_settings& s, asio::any_io_executor ex, const object_store_options& o)
{
    s3_config c;
    c.storage_name = s.name;
    c.endpoint = s.endpoint.empty() ? "https://s3." + s.region + ".amazonaws.com" : s.endpoint;
    c.bucket = s.bucket;
    c.path_style = s.force_path_style;
    c.key_prefix = s.key_prefix;
    c.scope = {s.region, "s3"};
    c.meta_header = "x-amz-meta-sha256";
    c.sse = s.server_side_encryption;
    c.access_key_id = s.access_key_id;
    c.secret_access_key = s.secret_access_key;
    c.session_token = s.session_token;
    return std::make_unique<s3_storage>(std::move(c), std::move(ex), o);
}

std::unique_ptr<snapshot_storage> make_s3_storage(const s3_storage_settings& s, asio::any_io_executor ex)
{
    return make_s3_storage(s, std::move(ex), object_store_options{});
}

// GCS's XML API takes SigV4 with HMAC keys; its region is "auto"; it keeps metadata as x-goog-meta-*.
std::unique_ptr<snapshot_storage>
make_gcs_storage(const gcs_storage_settings& s, asio::any_io_executor ex, const object_store_options& o)
{
    s3_config c;
    c.storage_name = s.name;
    c.endpoint = s.endpoint.empty() ? "https://storage.googleapis.com" : s.endpoint;
    c.bucket = s.bucket;
    c.path_style = true;
    c.key_prefix = s.key_prefix;
    c.scope = {"auto", "s3"};
    c.meta_header = "x-goog-meta-sha256";
    c.access_key_id = s.hmac_access_id;
    c.secret_access_key = s.hmac_secret;
    return std::make_unique<s3_storage>(std::move(c), std::move(ex), o);
}

std::unique_ptr<snapshot_storage> make_gcs_storage(const gcs_storage_settings& s, asio::any_io_executor ex)
{
    return make_gcs_storage(s, std::move(ex), object_store_options{});
}

} // namespace vk::snapshot
