// The two HA backends: a Consul client shared by every job's lock, or a Kubernetes API client shared by every
// job's Lease lock.
#include "app/ha_backend.hpp"

#include "consul/client.hpp"
#include "consul/lock.hpp"
#include "kubernetes/api_client.hpp"
#include "kubernetes/cluster.hpp"
#include "kubernetes/lease_lock.hpp"
#include "kubernetes/model/lease_members.hpp"
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
    std::unique_ptr<ha_lock> lock_for(const std::string& job, std::function<bool()> may_acquire) override
    {
        return lock_on(prefix() + "/" + job, std::move(may_acquire));
    }
    std::unique_ptr<ha_lock> member_lock() override
    {
        auto p = params_for(members_prefix() + ha_.replica_id, {});
        p.session_behavior = "delete";  // a replica gone leaves no key behind (its id may never come back)
        return std::make_unique<consul_ha_lock>(client_, std::move(p));
    }
    boost::asio::awaitable<result<std::set<std::string>>> members() override
    {
        auto r = co_await client_->get_recurse(members_prefix());
        if (!r)
            co_return r.error();
        std::set<std::string> live;
        for (const auto& e : r->value)
            if (!e.session.empty())  // Consul clears the session when it expires
                live.insert(holder_in_lock_value(e.value));
        co_return live;
    }
    std::chrono::milliseconds balance_period() const override { return ha_retry_delay; }
    // Waiting replicas see a released key at once (blocking reads).
    std::chrono::milliseconds take_grace() const override { return 2 * ha_retry_delay; }
    std::string where() const override { return "consul key " + ha_.key; }

private:
    std::string prefix() const
    {
        std::string p = ha_.key;
        while (!p.empty() && p.back() == '/')
            p.pop_back();
        return p;
    }
    // Job names start with a letter or digit: no job's key is under it.
    std::string members_prefix() const { return prefix() + "/.replicas/"; }
    std::unique_ptr<ha_lock> lock_on(std::string key, std::function<bool()> may_acquire)
    {
        return std::make_unique<consul_ha_lock>(client_, params_for(std::move(key), std::move(may_acquire)));
    }
    consul::lock_params params_for(std::string key, std::function<bool()> may_acquire) const
    {
        consul::lock_params p;
        // Named for the replica and key: an operator listing Consul's sessions sees who holds what.
        p.session_name = "vaultkeeper " + ha_.replica_id + ": " + key;
        p.key = std::move(key);
        p.value = ha_.replica_id;
        // Half of ha.session_ttl: Consul frees a dead session's locks 2 x TTL after its last renewal, so a
        // surviving replica takes over within ha.session_ttl.
        p.ttl = std::chrono::duration_cast<std::chrono::seconds>(ha_.session_ttl) / 2;
        p.lock_delay = ha_lock_delay;
        p.retry_delay = ha_retry_delay;
        p.may_acquire = std::move(may_acquire);
        return p;
    }

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
    std::unique_ptr<ha_lock> lock_for(const std::string& job, std::function<bool()> may_acquire) override
    {
        return lease_on(kubernetes::lease_name(ha_.lease_prefix, job), std::move(may_acquire));
    }
    std::unique_ptr<ha_lock> member_lock() override
    {
        return lease_on(kubernetes::member_lease_name(ha_.lease_prefix, ha_.replica_id), {});
    }
    boost::asio::awaitable<result<std::set<std::string>>> members() override
    {
        const auto path = kubernetes::leases_path(ns_);
        auto r = co_await client_->send("GET", path, "");
        if (!r)
            co_return r.error();
        if (r->status != 200)
            co_return make_error(errc::server_error, "GET answered HTTP " + std::to_string(r->status), {},
                                 path);
        auto list = kubernetes::decode_lease_list(r->body);
        if (!list)
            co_return list.error();
        const auto now = std::chrono::steady_clock::now();
        members_.saw(ha_.lease_prefix, *list, now);
        co_return members_.live(now);
    }
    std::chrono::milliseconds balance_period() const override { return ms(ha_.retry_period); }
    // Waiting replicas look again every 1.2 to 2.2 retry periods (client-go's jitter).
    std::chrono::milliseconds take_grace() const override { return 3 * ms(ha_.retry_period); }
    std::string where() const override { return "kubernetes leases " + ns_ + "/" + ha_.lease_prefix + "*"; }

private:
    static std::chrono::milliseconds ms(vk::duration d)
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d);
    }
    std::unique_ptr<ha_lock> lease_on(std::string name, std::function<bool()> may_acquire)
    {
        kubernetes::lease_lock_params p;
        p.ns = ns_;
        p.name = std::move(name);
        p.election = {ha_.replica_id, ms(ha_.lease_duration), ms(ha_.renew_deadline), ms(ha_.retry_period)};
        p.may_acquire = std::move(may_acquire);
        return std::make_unique<lease_ha_lock>(client_, std::move(p));
    }

    std::shared_ptr<kubernetes::api_client> client_;
    vk::ha_config ha_;
    std::string ns_;
    kubernetes::lease_members members_;
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
