// object_shard_store: the keeper's objects in S3, GCS or Azure Blob. Requests go through the snapshot
// storage of the same settings (snapshot::object_storage: its send() signs and its object_path() addresses);
// the conditional headers and the version header come from keeper/model/object_cas.
#include "keeper/object_shard_store.hpp"

#include "async/retry.hpp"
#include "cloud/model/signing_crypto.hpp"
#include "keeper/model/object_cas.hpp"
#include "keeper/model/object_name.hpp"
#include "keeper/object_sealer.hpp"
#include "snapshot/azure_storage.hpp"
#include "snapshot/s3_storage.hpp"

namespace vk::keeper {

namespace asio = boost::asio;

namespace {

// The start-up probe object (removed right after).
constexpr std::string_view object_probe_name = "vaultkeeper-store-check";

class object_shard_store final : public shard_store
{
public:
    object_shard_store(const object_store_settings& s, std::shared_ptr<object_sealer> sealer,
                       object_service service, std::unique_ptr<snapshot::object_storage> storage)
        : name_(s.name),
          sealer_(std::move(sealer)),
          cas_(s.cas),
          service_(service),
          storage_(std::move(storage))
    {
    }

    const std::string& name() const noexcept override { return name_; }
    bool supports_cas() const noexcept override { return cas_; }
    std::shared_ptr<object_sealer> sealer() const override { return sealer_; }

    asio::awaitable<result<void>> check() override
    {
        // Listing proves reachability, TLS and the credentials; the probe proves write and delete rights,
        // and (when the store may hold the record) that a second create-only write is refused.
        auto listed = co_await list();
        if (!listed)
            co_return listed.error();
        const std::string probe(object_probe_name);
        const std::optional<std::string> unconditional;
        const std::optional<std::string> create_only = std::string();
        auto first = co_await fresh_probe(probe);
        if (!first)
            co_return first.error();
        auto second = co_await put(probe, "probe", create_only);
        auto removed = co_await remove(probe, unconditional);
        if (cas_ && second)
            co_return failure(errc::invalid_argument, ignores_conditions_message(name_), probe);
        if (cas_ && !second.error().is(errc::conflict))
            co_return second.error();
        co_return removed;
    }

    // The probe written create-only where none is. A probe already there is a killed start-up's: removed,
    // and tried again, since that start-up's write may still land after this one's remove (a proxy or the
    // service slow to apply it).
    asio::awaitable<result<std::string>> fresh_probe(const std::string& probe)
    {
        const std::optional<std::string> unconditional;
        const std::optional<std::string> create_only = std::string();
        result<std::string> written = make_error(errc::conflict, "not tried");
        for (int attempt = 0; attempt < 3 && !written && written.error().is(errc::conflict); ++attempt)
        {
            if (auto r = co_await remove(probe, unconditional); !r)
                co_return r.error();
            written = co_await put(probe, "probe", create_only);
        }
        co_return written;
    }

    asio::awaitable<result<stored_object>> get(std::string name) override
    {
        auto raw = co_await get_raw(name);
        if (!raw)
            co_return raw.error();
        auto opened = co_await sealer_->open(name, std::move(raw->bytes));
        if (!opened)  // a transit Vault's error keeps its code: the store waits on that Vault
            co_return failure(opened.error().code,
                              "object " + name + " does not open: " + opened.error().message, name);
        co_return stored_object{name, std::move(opened->plaintext), std::move(raw->version),
                                opened->needs_rewrite(), opened->wrap_version};
    }

    asio::awaitable<result<raw_object>> get_raw(std::string name) override
    {
        if (!valid_object_name(name))
            co_return failure(errc::invalid_argument, "invalid object name", name);
        snapshot::object_call call;
        call.path = storage_->object_path(name);
        auto r = co_await storage_->send(std::move(call), "get " + name);
        if (!r)
            co_return r.error();
        co_return raw_object{std::move(r->body), version_of(*r)};
    }

    asio::awaitable<result<std::string>> put(std::string name, std::string data,
                                             std::optional<std::string> expected_version) override
    {
        if (!valid_object_name(name))
            co_return failure(errc::invalid_argument, "invalid object name", name);
        auto sealed = co_await sealer_->seal(name, std::move(data));
        if (!sealed)
            co_return failure(sealed.error().code, sealed.error().message, name);
        co_return co_await put_raw(name, std::move(*sealed), std::move(expected_version));
    }

    asio::awaitable<result<std::string>> put_raw(std::string name, std::string sealed,
                                                 std::optional<std::string> expected_version) override
    {
        if (!valid_object_name(name))
            co_return failure(errc::invalid_argument, "invalid object name", name);
        if (!cas_ && expected_version)
            if (auto same = co_await matches(name, *expected_version); !same)
                co_return same.error();
        auto put_once = [&]() -> asio::awaitable<result<std::string>> {
            snapshot::object_call call;
            call.method = "PUT";
            call.path = storage_->object_path(name);
            call.headers = storage_->whole_object_headers(cloud::crypto::sha256_hex(sealed));
            for (auto& h : write_precondition(service_, expected_version))
                call.headers.push_back(std::move(h));
            call.body = sealed;
            auto r = co_await storage_->send(std::move(call), "put " + name);
            if (!r)
                co_return r.error();
            co_return version_of(*r);
        };
        co_return co_await retry_transient(put_once);
    }

    asio::awaitable<result<void>> remove(std::string name,
                                         std::optional<std::string> expected_version) override
    {
        if (!valid_object_name(name))
            co_return failure(errc::invalid_argument, "invalid object name", name);
        if (!expected_version)
            co_return co_await storage_->remove(name);
        // "" (only if absent) cannot be a precondition of a DELETE: absent is success, present a conflict.
        if (expected_version->empty() || !cas_)
        {
            auto same = co_await matches(name, *expected_version);
            if (!same || expected_version->empty())
                co_return same;
        }
        auto remove_once = [&]() -> asio::awaitable<result<std::string>> {
            snapshot::object_call call;
            call.method = "DELETE";
            call.path = storage_->object_path(name);
            call.headers = write_precondition(service_, expected_version);
            auto r = co_await storage_->send(std::move(call), "remove " + name);
            if (!r && r.error().is(errc::not_found))
                co_return std::string();
            if (!r)
                co_return r.error();
            co_return std::string();
        };
        auto removed = co_await retry_transient(remove_once);
        if (!removed)
            co_return removed.error();
        co_return result<void>{};
    }

    asio::awaitable<result<std::vector<std::string>>> list() override
    {
        auto listed = co_await storage_->list();
        if (!listed)
            co_return listed.error();
        std::vector<std::string> out;
        for (auto& o : *listed)
            if (valid_object_name(o.name))  // anything else under the prefix is not the keeper's
                out.push_back(std::move(o.name));
        co_return out;
    }

private:
    // S3's 409 ConditionalRequestConflict (another conditional write of the key in flight) is sent again.
    template <class Attempt> asio::awaitable<result<std::string>> retry_transient(Attempt attempt)
    {
        auto transient = [this](const error& e) { return transient_conflict(service_, e); };
        co_return co_await retry_on_conflict(conditional_conflict_attempts, std::move(attempt),
                                             std::move(transient));
    }

    // For a service that ignores preconditions ("cas": false): the object's current version against the
    // expected one ("" = absent), read first. Not atomic: such a store never holds the state record.
    asio::awaitable<result<void>> matches(const std::string& name, const std::string& expected)
    {
        snapshot::object_call head;
        head.method = "HEAD";
        head.path = storage_->object_path(name);
        auto r = co_await storage_->send(std::move(head), "head " + name);
        if (!r && !r.error().is(errc::not_found))
            co_return r.error();
        const std::string current = r ? version_of(*r) : std::string();
        if (current != expected)
            co_return failure(errc::conflict, "object " + name + " is not at the expected version", name);
        co_return result<void>{};
    }

    std::string version_of(const http::response& r) const
    {
        auto v = r.headers.get(version_header(service_));
        return v ? std::string(*v) : std::string();
    }

    error failure(errc code, std::string message, const std::string& object) const
    {
        return make_error(code, "store " + name_ + ": " + std::move(message), {},
                          storage_->object_path(object));
    }

    std::string name_;
    std::shared_ptr<object_sealer> sealer_;
    bool cas_;
    object_service service_;
    std::unique_ptr<snapshot::object_storage> storage_;
};

// The keeper lists a store several times a cycle and needs its names only: no HEAD per object for sums.
snapshot::object_store_options listing_names_only()
{
    snapshot::object_store_options o;
    o.list_sums = false;
    return o;
}

}  // namespace

std::shared_ptr<shard_store> make_object_shard_store(const object_store_settings& settings,
                                                     std::shared_ptr<object_sealer> sealer,
                                                     asio::any_io_executor executor)
{
    struct maker
    {
        const object_store_settings& s;
        std::shared_ptr<object_sealer> sealer;
        asio::any_io_executor ex;
        std::shared_ptr<shard_store> operator()(const snapshot::s3_storage_settings& x) const
        {
            return std::make_shared<object_shard_store>(
                s, sealer, object_service::s3, snapshot::make_s3_storage(x, ex, listing_names_only()));
        }
        std::shared_ptr<shard_store> operator()(const snapshot::gcs_storage_settings& x) const
        {
            return std::make_shared<object_shard_store>(
                s, sealer, object_service::gcs, snapshot::make_gcs_storage(x, ex, listing_names_only()));
        }
        std::shared_ptr<shard_store> operator()(const snapshot::azure_storage_settings& x) const
        {
            return std::make_shared<object_shard_store>(
                s, sealer, object_service::azure, snapshot::make_azure_storage(x, ex, listing_names_only()));
        }
    };
    return std::visit(maker{settings, std::move(sealer), std::move(executor)}, settings.spec);
}

}  // namespace vk::keeper
