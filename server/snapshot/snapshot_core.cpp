// Clients, storages, the active node and metrics of a snapshot job (see snapshot_core.hpp).
#include "snapshot/snapshot_core.hpp"

#include "async/blocking.hpp"
#include "snapshot/azure_storage.hpp"
#include "snapshot/local_storage.hpp"
#include "snapshot/s3_storage.hpp"
#include "vault/sys.hpp"

#include <unistd.h>

namespace vk::snapshot {
namespace asio = boost::asio;

namespace {

std::unique_ptr<snapshot_storage> make_storage(const storage_settings& s, asio::any_io_executor ex)
{
    struct maker
    {
        asio::any_io_executor ex;
        std::unique_ptr<snapshot_storage> operator()(const local_storage_settings& x)
        {
            return make_local_storage(x);
        }
        std::unique_ptr<snapshot_storage> operator()(const s3_storage_settings& x)
        {
            return make_s3_storage(x, ex);
        }
        std::unique_ptr<snapshot_storage> operator()(const azure_storage_settings& x)
        {
            return make_azure_storage(x, ex);
        }
        std::unique_ptr<snapshot_storage> operator()(const gcs_storage_settings& x)
        {
            return make_gcs_storage(x, ex);
        }
    };
    return std::visit(maker{ex}, s.spec);
}

std::string without_slash(std::string s)
{
    while (s.ends_with("/"))
        s.pop_back();
    return s;
}

}  // namespace

snapshot_core::snapshot_core(const vk::job_config& jc, runtime::job_services& services)
    : kind_core(jc, services)
{
    auto v = vault::client::create(executor, config->vaults.at(settings->vault));
    if (!v)
        setup_error = v.error();
    else
        vault = std::move(*v);
    for (const auto& s : settings->storages)
        storages.push_back(make_storage(s, executor));
}

asio::awaitable<result<vault::client*>> snapshot_core::snapshot_node(take_mode mode)
{
    auto leader = co_await vault::sys_leader(*vault);
    if (!leader)
        co_return leader.error();
    if (mode == take_mode::per_node)
        co_return leader->is_self ? vault.get() : nullptr;
    const auto address = without_slash(leader->leader_address);
    if (address.empty())
        co_return make_error(errc::unavailable, "sys/leader names no active node", vault->endpoint());
    if (address == vault->endpoint())
        co_return vault.get();
    if (auto it = nodes.find(address); it != nodes.end())
        co_return it->second.get();
    // A node met for the first time: same settings and credentials, its own address.
    auto cfg = config->vaults.at(settings->vault);
    cfg.address = address;
    auto c = vault::client::create(executor, cfg);
    if (!c)
        co_return c.error();
    if (auto started = co_await (*c)->start(); !started)
        co_return started.error();
    // Another caller (a restore beside a cycle) may have added it meanwhile: keep the one in use.
    auto [it, added] = nodes.try_emplace(address, std::move(*c));
    co_return it->second.get();
}

asio::awaitable<void> snapshot_core::clean_spool() const
{
    const auto dir = spool();
    co_await run_blocking([&] {
        const std::string ours = ".tmp-" + std::to_string(::getpid()) + "-";
        std::error_code ec;
        for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        {
            const auto name = it->path().filename().string();
            const bool temp = name.starts_with(".");
            if (!temp || name.find(ours) == std::string::npos)
            {
                std::error_code ignored;
                std::filesystem::remove(it->path(), ignored);
            }
        }
    });
}

snapshot_storage* snapshot_core::find_storage(std::string_view name) const
{
    for (const auto& s : storages)
        if (s->name() == name)
            return s.get();
    return nullptr;
}

void snapshot_core::count(const metrics::family& f, const std::string& storage, std::string_view outcome,
                          double n) const
{
    if (!metrics || n <= 0)
        return;
    std::map<std::string, std::string> labels{{"job", job}};
    if (!storage.empty())
        labels["storage"] = storage;
    if (!outcome.empty())
        labels["outcome"] = std::string(outcome);
    metrics->counter_add(f, labels, n);
}

void snapshot_core::gauge(const metrics::family& f, double value, const std::string& storage) const
{
    if (!metrics)
        return;
    std::map<std::string, std::string> labels{{"job", job}};
    if (!storage.empty())
        labels["storage"] = storage;
    metrics->gauge_set(f, labels, value);
}

}  // namespace vk::snapshot
