// kubernetes_store: the keeper's objects as Secrets in one namespace, through the API server. One Secret per
// object (data.value, label app.kubernetes.io/managed-by=vaultkeeper), version = metadata.resourceVersion,
// compare-and-swap by the API server's optimistic concurrency. Requests and answers are built and decoded by
// keeper/model/kubernetes_secret; this shell sends them through the cluster's kubernetes::api_client.
#include "keeper/kubernetes_store.hpp"

#include "async/retry.hpp"
#include "keeper/model/kubernetes_secret.hpp"
#include "keeper/model/object_name.hpp"
#include "kubernetes/api_client.hpp"
#include "kubernetes/cluster.hpp"

namespace vk::keeper {

namespace asio = boost::asio;

namespace {

// A write that lost a race re-reads and tries again this many times before reporting the conflict.
constexpr int unconditional_attempts = 5;
// How a conflict with a Secret that someone else owns ends its message (never retried).
const std::string not_ours = " exists but is not managed by vaultkeeper";
// The start-up probe object (removed right after).
constexpr std::string_view probe_name = "vaultkeeper-store-check";

class kubernetes_store final : public shard_store
{
public:
    // A client that could not be built (bad URL, unreadable CA or token file) makes every operation fail
    // with its error, so check() reports it at start-up.
    kubernetes_store(std::string name, std::string ns, result<std::unique_ptr<kubernetes::api_client>> api)
        : name_(std::move(name)),
          ns_(std::move(ns))
    {
        if (api)
            api_ = std::move(*api);
        else
            broken_ = api.error();
    }

    const std::string& name() const noexcept override { return name_; }
    bool supports_cas() const noexcept override { return true; }

    asio::awaitable<result<void>> check() override
    {
        // Listing proves reachability, TLS and the token; the probe proves create and delete rights.
        auto listed = co_await list();
        if (!listed)
            co_return listed.error();
        const std::string probe(probe_name);
        const std::string probe_data = "probe";
        const std::optional<std::string> unconditional;
        auto written = co_await put(probe, probe_data, unconditional);
        if (!written)
            co_return written.error();
        co_return co_await remove(probe, unconditional);
    }

    asio::awaitable<result<stored_object>> get(std::string name) override
    {
        auto found = co_await read(name);
        if (!found)
            co_return found.error();
        if (!found->managed)
            co_return failure(errc::bad_response, "Secret " + name + not_ours);
        co_return stored_object{name, std::move(found->data), std::move(found->resource_version)};
    }

    asio::awaitable<result<std::string>> put(std::string name, std::string data,
                                             std::optional<std::string> expected_version) override
    {
        if (!valid_object_name(name))
            co_return failure(errc::invalid_argument, "invalid object name");
        if (!expected_version)
            co_return co_await put_unconditional(name, data);
        if (expected_version->empty())
            co_return co_await create(name, data);
        co_return co_await replace(name, data, *expected_version);
    }

    asio::awaitable<result<void>> remove(std::string name,
                                         std::optional<std::string> expected_version) override
    {
        if (!valid_object_name(name))
            co_return failure(errc::invalid_argument, "invalid object name");
        if (expected_version && !expected_version->empty())
            co_return co_await delete_at(name, *expected_version);
        // Unconditional (or "only if absent"): read the current version, then delete exactly that one, so a
        // Secret that is not ours is never deleted and a concurrent rewrite is retried.
        bool raced = false;  // the last attempt's delete found another version than the one it read
        auto remove_once = [&]() -> asio::awaitable<result<void>> {
            raced = false;
            auto current = co_await read(name);
            if (!current && current.error().is(errc::not_found))
                co_return result<void>{};
            if (!current)
                co_return current.error();
            if (expected_version || !current->managed)
                co_return failure(errc::conflict,
                                  "Secret " + name + (current->managed ? " exists" : not_ours));
            auto removed = co_await delete_at(name, current->resource_version);
            raced = !removed && removed.error().is(errc::conflict);
            co_return removed;
        };
        auto lost_race = [&](const error&) { return raced; };
        auto removed = co_await retry_on_conflict(unconditional_attempts, remove_once, lost_race);
        if (raced)
            co_return failure(errc::conflict, "Secret " + name + " kept changing while being removed");
        co_return removed;
    }

    asio::awaitable<result<std::vector<std::string>>> list() override
    {
        const std::string target = k8s::list_target(ns_);
        const std::string no_body;
        auto res = co_await send("GET", target, no_body);
        if (!res)
            co_return res.error();
        if (res->status != 200)
            co_return with_context(k8s::status_error(res->status, res->body, "list"), target);
        co_return k8s::parse_secret_names(res->body);
    }

private:
    // GET of one Secret, decoded; errc::not_found when absent.
    asio::awaitable<result<k8s::secret_view>> read(const std::string& name)
    {
        const auto target = k8s::secret_target(ns_, name);
        const std::string no_body;
        auto res = co_await send("GET", target, no_body);
        if (!res)
            co_return res.error();
        if (res->status != 200)
            co_return with_context(k8s::status_error(res->status, res->body, "get " + name), target);
        co_return k8s::parse_secret(res->body);
    }

    // POST; errc::conflict when the name is taken. Returns the new resourceVersion.
    asio::awaitable<result<std::string>> create(const std::string& name, const std::string& data)
    {
        const std::string method = "POST";
        const auto target = k8s::collection_target(ns_);
        const std::optional<std::string> no_version;
        co_return co_await write(method, target, name, data, no_version);
    }

    // PUT at resource_version; errc::conflict when the stored version differs (or the object is gone).
    asio::awaitable<result<std::string>> replace(const std::string& name, const std::string& data,
                                                 const std::string& resource_version)
    {
        const std::string method = "PUT";
        const auto target = k8s::secret_target(ns_, name);
        const std::optional<std::string> version = resource_version;
        co_return co_await write(method, target, name, data, version);
    }

    asio::awaitable<result<std::string>> write(const std::string& method, const std::string& target,
                                               const std::string& name, const std::string& data,
                                               const std::optional<std::string>& resource_version)
    {
        const auto body = k8s::secret_body(ns_, name, data, resource_version);
        auto res = co_await send(method, target, body);
        if (!res)
            co_return res.error();
        if (res->status != 200 && res->status != 201)
        {
            auto e = k8s::status_error(res->status, res->body, "put " + name);
            // PUT at a version of an object that is gone: the expected version does not match either.
            if (e.is(errc::not_found) && resource_version)
                e.code = errc::conflict;
            co_return with_context(std::move(e), target);
        }
        auto written = k8s::parse_secret(res->body);
        if (!written)
            co_return written.error();
        co_return std::move(written->resource_version);
    }

    // Creates when absent, else replaces the current version; a lost race is retried.
    asio::awaitable<result<std::string>> put_unconditional(const std::string& name, const std::string& data)
    {
        auto write_once = [&] { return write_over(name, data); };
        auto lost_race = [](const error& e) { return !foreign_conflict(e); };
        auto written = co_await retry_on_conflict(unconditional_attempts, write_once, lost_race);
        if (!written && written.error().is(errc::conflict) && lost_race(written.error()))
            co_return failure(errc::conflict, "Secret " + name + " kept changing while being written");
        co_return written;
    }

    // One attempt of put_unconditional: create, or replace the version just read.
    asio::awaitable<result<std::string>> write_over(const std::string& name, const std::string& data)
    {
        auto current = co_await read(name);
        if (!current && current.error().is(errc::not_found))
            co_return co_await create(name, data);
        if (!current)
            co_return current.error();
        if (!current->managed)
            co_return failure(errc::conflict, "Secret " + name + not_ours);
        co_return co_await replace(name, data, current->resource_version);
    }

    static bool foreign_conflict(const error& e) { return e.message.ends_with(not_ours); }

    // DELETE with a resourceVersion precondition; absent is success.
    asio::awaitable<result<void>> delete_at(const std::string& name, const std::string& resource_version)
    {
        const auto target = k8s::secret_target(ns_, name);
        const auto body = k8s::delete_body(resource_version);
        auto res = co_await send("DELETE", target, body);
        if (!res)
            co_return res.error();
        if (res->status == 200 || res->status == 202 || res->status == 404)
            co_return result<void>{};
        co_return with_context(k8s::status_error(res->status, res->body, "remove " + name), target);
    }

    asio::awaitable<result<http::response>> send(const std::string& method, const std::string& target,
                                                 const std::string& body)
    {
        if (!api_)
            co_return failure(broken_.code, broken_.message);
        co_return co_await api_->send(method, target, body);
    }

    error failure(errc code, std::string message) const
    {
        return with_context(make_error(code, "kubernetes store " + name_ + ": " + std::move(message)), {});
    }

    error with_context(error e, std::string path) const
    {
        if (api_)
            e.endpoint = api_->endpoint();
        e.path = std::move(path);
        return e;
    }

    std::string name_;
    std::string ns_;
    std::unique_ptr<kubernetes::api_client> api_;
    error broken_;
};

}  // namespace

// The inline form is an explicit cluster of its own; a reference resolves the named cluster (reading its
// files), whose default namespace serves when the store names none.
std::shared_ptr<shard_store> make_kubernetes_store(const kubernetes_store_settings& settings,
                                                   asio::any_io_executor executor)
{
    kubernetes_config inline_cluster;
    inline_cluster.name = settings.name;
    inline_cluster.api_server = settings.api_server;
    inline_cluster.token = settings.token;
    inline_cluster.ca_file = settings.ca_file.value_or("");
    auto access = kubernetes::resolve(settings.cluster.value_or(inline_cluster));
    if (!access)
        return std::make_shared<kubernetes_store>(settings.name, settings.ns, access.error());
    auto ns = settings.ns.empty() ? access->default_namespace : settings.ns;
    return std::make_shared<kubernetes_store>(
        settings.name, std::move(ns),
        kubernetes::api_client::create(std::move(executor), std::move(*access)));
}

}  // namespace vk::keeper
