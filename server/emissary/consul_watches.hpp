// The emissary job's Consul keys and prefixes, kept fresh by the daemon-wide watch hubs
// (consul/watch_hub.hpp) instead of one blocking query per dependency: a job subscribes while it runs, and
// each answer that moved one of its values records it and asks for a cycle.
#ifndef VAULTKEEPER_SERVER_EMISSARY_CONSUL_WATCHES_HPP
#define VAULTKEEPER_SERVER_EMISSARY_CONSUL_WATCHES_HPP

#include "consul/watch_hub.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace vk::emissary {

struct emissary_core;

// The hubs a job follows (for its status); filled by follow_consul.
struct consul_watch_set
{
    std::vector<std::shared_ptr<consul::watch_hub>> hubs;
    // [{"consul": name, "blocking_queries": n, "watched": k}]: the agent's numbers, all jobs together.
    boost::json::array status() const;
};

// Subscribes the job's Consul dependencies until cancelled or the job is finished (once), then unsubscribes.
// A dependency whose query fails is marked unwatched (the cycle polls it) until its next answer.
boost::asio::awaitable<void> follow_consul(std::shared_ptr<emissary_core> core,
                                           std::function<void()> request_cycle,
                                           std::shared_ptr<consul_watch_set> set);

}  // namespace vk::emissary

#endif
