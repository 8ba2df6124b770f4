// The Azure Blob storage shell: builds each request, authorizes it (Shared Key from model/azure_protocol, a
// SAS in the query or an identity's bearer token), sends it through the HTTP client and reads the answer. See
// azure_storage.hpp.
#include "snapshot/azure_storage.hpp"

#include "cloud/azure_token_provider.hpp"
#include "cloud/model/sigv4.hpp"
#include "snapshot/model/azure_protocol.hpp"
#include "snapshot/model/part_plan.hpp"
#include "snapshot/part_sender.hpp"

namespace vk::snapshot {

namespace sigv4 = cloud::sigv4;

namespace asio = boost::asio;

namespace {

class azure_storage final : public object_storage
{
public:
    azure_storage(azure_storage_settings s, asio::any_io_executor ex, object_store_options o)
        : object_storage(ex, std::move(o)),
          cfg_(std::move(s))
    {
        if (uses_identity(cfg_))
            tokens_ = std::make_unique<cloud::azure::token_provider>(azure_provider_settings(cfg_), ex);
        if (cfg_.endpoint.empty())
            cfg_.endpoint = "https://" + cfg_.account_name + ".blob.core.windows.net";
        // Paths are built before the first request: split the service URL now (a bad one fails at use).
        if (auto where = http::parse_url(cfg_.endpoint))
        {
            auto path = where->target.substr(0, where->target.find('?'));
            while (path.ends_with('/'))
                path.pop_back();
            service_path_ = std::move(path);
            endpoint_ = where->where.str();
        }
    }

    const std::string& name() const noexcept override { return cfg_.name; }

    asio::awaitable<result<std::vector<stored_snapshot>>> list() override
    {
        std::vector<stored_snapshot> out;
        std::optional<std::string> marker;
        do
        {
            object_call call;
            call.path = container_path();
            call.query = {{"restype", "container"}, {"comp", "list"}, {"include", "metadata"}};
            if (!cfg_.key_prefix.empty())
                call.query.emplace_back("prefix", cfg_.key_prefix);
            if (marker)
                call.query.emplace_back("marker", *marker);
            if (opts_.list_page_size)
                call.query.emplace_back("maxresults", std::to_string(opts_.list_page_size));
            auto r = co_await send(std::move(call), "list blobs");
            if (!r)
                co_return r.error();
            auto page = azure::parse_list_blobs(r->body);
            if (!page)
                co_return page.error();
            for (auto& b : page->blobs)
            {
                auto name = b.name.substr(std::min(cfg_.key_prefix.size(), b.name.size()));
                if (!name.empty() && name.find('/') == std::string::npos)
                    out.push_back({std::move(name), b.size, b.last_modified, std::move(b.sha256)});
            }
            marker = std::move(page->next_marker);
        } while (marker);
        co_return out;
    }

private:
    fields whole_object_headers(const std::string& sha256_hex) const override
    {
        return {{"x-ms-blob-type", "BlockBlob"},
                {"Content-Type", "application/octet-stream"},
                {"x-ms-meta-sha256", sha256_hex}};
    }

    // Put Blob and Put Block List refuse to replace a blob that exists (409 BlobAlreadyExists).
    fields create_only_headers() const override { return {{"If-None-Match", "*"}}; }

    // Stages the blocks, upload_concurrency at a time, each retried alone (part_sender.hpp), then commits
    // them in order. Staged blocks are invisible until the block list commits them; after a failure they are
    // left uncommitted and expire on their own (Azure drops them after a week).
    asio::awaitable<result<void>> put_parts(const std::filesystem::path& file, const std::string& object,
                                            const std::string& sha256_hex, std::uint64_t size) override
    {
        auto plan = plan_parts(azure_block_limits, size, opts_.part_size);
        if (!plan)
            co_return plan.error();
        send_part_fn put_block = [&](std::uint64_t i) -> asio::awaitable<result<std::string>> {
            object_call call;
            call.path = object_path(object);
            call.query = {{"comp", "block"}, {"blockid", azure::block_id(i)}};
            auto what = "put block " + std::to_string(i);
            auto r = co_await put_region(file, plan->offset(i), plan->length(i, size), std::move(call), what);
            if (!r)
                co_return r.error();
            co_return azure::block_id(i);
        };
        auto staged = co_await send_parts_parallel(plan->count, opts_.upload_concurrency, put_block);
        if (!staged)
            co_return staged.error();
        co_return co_await put_block_list(object, sha256_hex, plan->count);
    }

    asio::awaitable<result<void>> put_block_list(const std::string& object, const std::string& sha256_hex,
                                                 std::uint64_t blocks)
    {
        object_call call;
        call.method = "PUT";
        call.path = object_path(object);
        call.query = {{"comp", "blocklist"}};
        call.headers = {{"Content-Type", "application/xml"},
                        {"x-ms-blob-content-type", "application/octet-stream"},
                        {"x-ms-meta-sha256", sha256_hex}};
        for (auto& h : create_only_headers())
            call.headers.push_back(std::move(h));
        call.body = azure::block_list_body(blocks);
        auto r = co_await send(std::move(call), "put block list");
        if (!r)
            co_return r.error();
        co_return result<void>{};
    }

    // The service URL's path ("" for Azure, "/devstoreaccount1" for azurite) plus the container.
    std::string container_path() const
    {
        return service_path_ + "/" + sigv4::uri_encode(cfg_.container, false);
    }
    std::string object_path(const std::string& object) const override
    {
        return container_path() + "/" + sigv4::uri_encode(cfg_.key_prefix + object, true);
    }

    // Dates, versions and signs the call, then sends it.
    asio::awaitable<result<http::response>> send(object_call call, std::string_view what) override
    {
        if (endpoint_.empty())
            co_return make_error(errc::invalid_argument, "bad endpoint " + cfg_.endpoint);
        auto c = client(endpoint_);
        if (!c)
            co_return c.error();
        azure::request ar;
        ar.method = call.method;
        ar.path = call.path;
        ar.query = call.query;
        ar.headers = std::move(call.headers);
        ar.headers.emplace_back("x-ms-date", azure::rfc1123(std::chrono::system_clock::now()));
        ar.headers.emplace_back("x-ms-version", azure::api_version);
        ar.content_length = call.upload ? call.upload->length.value_or(0) : call.body.size();
        auto auth = co_await authorization(ar);
        if (!auth)
            co_return auth.error();
        http::client_request req;
        req.method = call.method;
        req.target = call.path + query_string(call.query);
        for (const auto& [k, v] : ar.headers)
            req.headers.add(k, v);
        if (!auth->empty())
            req.headers.add("Authorization", *auth);
        // A redirect would carry the token or the SAS elsewhere.
        req.follow_redirects = false;
        req.body = std::move(call.body);
        req.upload = std::move(call.upload);
        req.download = std::move(call.download);
        co_return co_await perform(req, what, endpoint_, call.path);
    }

    // "?" + the call's query, then the SAS token's (already encoded) parameters.
    std::string query_string(const fields& query) const
    {
        auto q = sigv4::canonical_query(query);
        if (cfg_.sas_token)
            q += (q.empty() ? "" : "&") + cfg_.sas_token->reveal();
        return q.empty() ? "" : "?" + q;
    }

    // The Authorization header: Shared Key, a bearer token, or none (the SAS is in the query).
    asio::awaitable<result<std::string>> authorization(const azure::request& ar)
    {
        if (tokens_)
        {
            auto token = co_await tokens_->current();
            if (!token)
                co_return token.error();
            co_return "Bearer " + *token;
        }
        if (cfg_.sas_token)
            co_return std::string();
        co_return azure::authorization(ar, cfg_.account_name, cfg_.account_key.reveal());
    }

    azure_storage_settings cfg_;
    std::unique_ptr<cloud::azure::token_provider> tokens_;  // with neither account key nor SAS
    std::string service_path_;
    std::string endpoint_;
};

}  // namespace

std::unique_ptr<object_storage> make_azure_storage(const azure_storage_settings& s, asio::any_io_executor ex,
                                                   const object_store_options& o)
{
    auto options = o;
    options.tls.ca_file = s.ca_file;
    options.upload_concurrency = s.upload_concurrency;
    return std::make_unique<azure_storage>(s, std::move(ex), std::move(options));
}

bool uses_identity(const azure_storage_settings& s)
{
    return s.account_key.empty() && !s.sas_token;
}

cloud::azure::provider_settings azure_provider_settings(const azure_storage_settings& s)
{
    return {{s.client_id}, std::chrono::duration_cast<std::chrono::seconds>(s.refresh_before)};
}

std::string credential_source(const azure_storage_settings& s)
{
    if (s.sas_token)
        return "SAS token";
    if (!s.account_key.empty())
        return "shared key";
    auto plan = cloud::azure::plan_from_environment(azure_provider_settings(s).identity);
    return plan ? plan->description : "nowhere (" + plan.error().message + ")";
}

}  // namespace vk::snapshot
