// The daemon's Consul blocking queries, shared: one hub per Consul agent (config name) holds at most
// max_blocking_queries long-polls for every emissary job together (model/watch_plan.hpp), and tells each
// subscriber only about the keys and prefixes it follows that moved (model/watch_fanout.hpp).
#ifndef VAULTKEEPER_SERVER_CONSUL_WATCH_HUB_HPP
#define VAULTKEEPER_SERVER_CONSUL_WATCH_HUB_HPP

#include "consul/client.hpp"
#include "consul/model/watch_fanout.hpp"
#include "consul/model/watch_plan.hpp"
#include "metrics/family.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>

namespace vk::metrics {
class registry;
}

namespace vk::consul {

inline constexpr metrics::family blocking_queries_metric{
    "vaultkeeper_consul_blocking_queries", "Blocking queries the emissary jobs hold together on one Consul "
                                           "agent (at most its max_blocking_queries)"};

// Used on the io_context's thread only, like the rest of the daemon.
class watch_hub : public std::enable_shared_from_this<watch_hub>
{
public:
    struct subscriber
    {
        // The thing moved, or this subscriber's first answer (or the first after a failure): the key's entry
        // (empty: absent) or every entry under the prefix, sorted by key. Valid during the call only.
        std::function<void(const watch_target& thing, std::span<const kv_entry> entries)> changed;
        // The query serving the thing failed; it is retried after a pause.
        std::function<void(const watch_target& thing, const error& e)> failed;
    };

    // The hub of this agent, made on first use (a reload that changed the agent's block gets a new one;
    // the old one ends with its last subscriber). errc::invalid_argument when its client cannot be built.
    static result<std::shared_ptr<watch_hub>>
    for_consul(boost::asio::any_io_executor ex, const vk::consul_config& cfg, metrics::registry* metrics);

    // Follows `things` for s until unsubscribe(id); the queries are re-planned shortly after (a burst of
    // subscriptions, e.g. every job of a reload, plans once).
    std::uint64_t subscribe(const std::set<watch_target>& things, subscriber s);
    void unsubscribe(std::uint64_t id);

    std::size_t blocking_queries() const { return running_.size(); }
    std::size_t watched() const { return audience_.size(); }
    const std::string& name() const { return cfg_.name; }

    watch_hub(boost::asio::any_io_executor ex, vk::consul_config cfg, std::unique_ptr<client> c,
              metrics::registry* metrics);
    ~watch_hub();

private:
    struct query_run;
    void schedule_replan();
    void replan();
    void start(std::shared_ptr<query_run> run);
    // One planned query's blocking-query loop, until the plan drops it (or the daemon stops).
    static boost::asio::awaitable<void> run_query(std::shared_ptr<watch_hub> self,
                                                  std::shared_ptr<query_run> run);
    void answered(query_run& run, std::vector<kv_entry> entries);
    void failed(query_run& run, const error& e);
    void fan_out(const query_run& run);
    // The things' subscribers learn their values are polled until an answer comes.
    void tell_failed(const std::vector<watch_target>& things, const error& e);
    void tell_unserved(const std::vector<watch_target>& things);

    boost::asio::any_io_executor ex_;
    vk::consul_config cfg_;
    std::unique_ptr<client> client_;
    metrics::registry* metrics_;
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, std::pair<std::set<watch_target>, subscriber>> subscribers_;
    std::map<watch_target, thing_audience> audience_;
    std::map<watch_target, std::shared_ptr<query_run>> running_;
    std::set<std::string> refused_;  // folders the agent refused to read recursively (403)
    bool replan_pending_ = false;
};

}  // namespace vk::consul

#endif
