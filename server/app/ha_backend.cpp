// The two HA backends: a Consul client shared by every job's lock, or a Kubernetes API client shared by every
// job's Lease lock.
#include "app/ha_backend.hpp"

#include "consul/client.hpp"
#include "consul/lock.hpp"
#include "kubernetes/api_client.hpp"
#include "kubernetes/cluster.hpp"
#include "kubernetes/lease_lock.hpp"
#include "kubernetes/model/lease_wire.hpp"

namespace vk::app {

namespace {

// A replica that cannot renew stops its jobs (cycles cancelled and ended) by 3/4 of the session TTL after its
// last renewal, before Consul may free the key (no sooner than one TTL after it, in practice two); a
// lock-delay would add takeover time, not safety.
constexpr std::chrono::seconds ha_lock_delay{0};
constexpr std::chrono::seconds ha_retry_delay{2};

// The lock of each backend over its client.
consul::lock bind_lock(consul::client& c, consul::lock_params p)
{
    return consul::lock(c, std::move(p));
}

kubernetes::lease_lock bind_lock(kubernetes::api_client& c, kubernetes::lease_lock_params p)
{
    auto send = [&c](std::string method, std::string target, std::string body) {
        return c.send(std::move(method), std::move(target), std::move(body));
    };
    return kubernetes::lease_lock(std::move(send), std::move(p));
}

// The lock of one job and the client it sends with (shared by every job's lock, kept as long as this one).
template <class Client, class Lock, class Params> class client_lock : public ha_lock
{
public:
    client_lock(std::shared_ptr<Client> c, Params p)
        : client_(std::move(c)),
          lock_(bind_lock(*client_, std::move(p)))
    {
    }
    boost::asio::awaitable<void> run(std::function<void()> on_acquired,
                                     std::function<boost::asio::awaitable<void>()> on_lost) override
    {
        return lock_.run(std::move(on_acquired), std::move(on_lost));
    }
    bool held() const override { return lock_.held(); }
    lock_view view() const override { return lock_.view(); }

private:
    std::shared_ptr<Client> client_;
    Lock lock_;
};

using consul_ha_lock = client_lock<consul::client, consul::lock, consul::lock_params>;
using lease_ha_lock =
    client_lock<kubernetes::api_client, kubernetes::lease_lock, kubernetes::lease_lock_params>;

class consul_backend : public ha_backend
{
public:
    consul_backend(std::shared_ptr<consul::client> c, vk::ha_config ha)
        : client_(std::move(c)),
          ha_(std::move(ha))
    {
    }
    std::unique_ptr<ha_lock> lock_for(const std::string& job) override
    {
        std::string prefix = ha_.key;
        while (!prefix.empty() && prefix.back() == '/')
            prefix.pop_back();
        consul::lock_params p;
        p.key = prefix + "/" + job;
        p.value = ha_.replica_id;
        // Half of ha.session_ttl: Consul frees a dead session's locks 2 x TTL after its last renewal, so a
        // surviving replica takes over within ha.session_ttl.
        p.ttl = std::chrono::duration_cast<std::chrono::seconds>(ha_.session_ttl) / 2;
        p.lock_delay = ha_lock_delay;
        p.retry_delay = ha_retry_delay;
        return std::make_unique<consul_ha_lock>(client_, std::move(p));
    }
    std::string where() const override { return "consul key " + ha_.key; }

private:
    std::shared_ptr<consul::client> client_;
    vk::ha_config ha_;
};

class kubernetes_backend : public ha_backend
{
public:
    kubernetes_backend(std::shared_ptr<kubernetes::api_client> c, vk::ha_config ha, std::string ns)
        : client_(std::move(c)),
          ha_(std::move(ha)),
          ns_(std::move(ns))
    {
    }
    std::unique_ptr<ha_lock> lock_for(const std::string& job) override
    {
        kubernetes::lease_lock_params p;
        p.ns = ns_;
        p.name = kubernetes::lease_name(ha_.lease_prefix, job);
        p.election = {ha_.replica_id,
                      std::chrono::duration_cast<std::chrono::milliseconds>(ha_.lease_duration),
                      std::chrono::duration_cast<std::chrono::milliseconds>(ha_.renew_deadline),
                      std::chrono::duration_cast<std::chrono::milliseconds>(ha_.retry_period)};
        return std::make_unique<lease_ha_lock>(client_, std::move(p));
    }
    std::string where() const override { return "kubernetes leases " + ns_ + "/" + ha_.lease_prefix + "*"; }

private:
    std::shared_ptr<kubernetes::api_client> client_;
    vk::ha_config ha_;
    std::string ns_;
};

result<std::unique_ptr<ha_backend>> kubernetes_from(boost::asio::any_io_executor ex, const vk::config& cfg)
{
    const auto& ha = *cfg.ha;
    auto access = kubernetes::resolve(cfg.kubernetes.at(ha.kubernetes));
    if (!access)
        return access.error();
    std::string ns = !ha.namespace_.empty()               ? ha.namespace_
                     : !access->default_namespace.empty() ? access->default_namespace
                                                          : "default";
    auto c = kubernetes::api_client::create(std::move(ex), std::move(*access));
    if (!c)
        return c.error();
    return std::unique_ptr<ha_backend>(
        std::make_unique<kubernetes_backend>(std::shared_ptr<kubernetes::api_client>(std::move(*c)), ha, ns));
}

}  // namespace

result<std::unique_ptr<ha_backend>> make_ha_backend(boost::asio::any_io_executor ex, const vk::config& cfg)
{
    if (!cfg.ha->kubernetes.empty())
        return kubernetes_from(std::move(ex), cfg);
    auto c = consul::client::create(ex, cfg.consuls.at(cfg.ha->consul));
    if (!c)
        return c.error();
    return std::unique_ptr<ha_backend>(
        std::make_unique<consul_backend>(std::shared_ptr<consul::client>(std::move(*c)), *cfg.ha));
}

}  // namespace vk::app
