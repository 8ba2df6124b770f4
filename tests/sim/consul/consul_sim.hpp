// consul-sim's HTTP front: routes /v1/kv, /v1/txn, /v1/session, /v1/status and /v1/agent/self to the pure
// state, adding Consul's headers, ACL checks, blocking queries and plain-text errors.
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_CONSUL_SIM_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_CONSUL_SIM_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <random>
#include <string>
#include <utility>
#include <variant>

#include "common/http.hpp"
#include "common/server.hpp"
#include "notifier.hpp"
#include "state.hpp"

namespace csim {

struct options
{
    std::string datacenter = "dc1";
    std::string node_name = "consul-sim";
    std::string acl_token;  // non-empty: ACLs on, default policy deny, this is the only (management) token
    std::string address = "127.0.0.1";  // what /v1/status/leader reports (with the server port 8300)
};

class sim
{
public:
    sim(boost::asio::io_context& ioc, options opts);

    // The listener's handler.
    boost::asio::awaitable<simc::response> handle(simc::request& req);
    // Adds consul-sim's own /_sim/ routes (state dump, expire sessions, clear).
    void add_control_routes(simc::server& srv);
    // Starts the coroutine that invalidates sessions whose TTL ran out.
    void start_session_reaper();

    state& data() { return state_; }

private:
    using response = simc::response;
    using request = simc::request;

    // Blocking-query parameters (?index, ?wait) or the 400 answer for bad ones.
    struct query_opts
    {
        std::uint64_t min_index = 0;
        clock::time_point deadline;
    };
    std::variant<query_opts, response> parse_query(const request& req);
    // Answers compute() at once, or (blocking) once its index passes min_index or the wait ends.
    boost::asio::awaitable<response> blocking(const request& req, notifier& watch, std::string key, bool tree,
                                              std::function<std::pair<response, std::uint64_t>()> compute);
    void add_meta(response& res, std::uint64_t index) const;

    // ACL: nullopt when allowed; else the 403 answer. Reads of lists are filtered instead (list_allowed).
    std::optional<response> deny(const request& req, std::string_view permission,
                                 std::string_view resource) const;
    bool list_allowed(const request& req) const;
    std::string token_of(const request& req) const;

    boost::asio::awaitable<response> route(request& req);
    boost::asio::awaitable<response> kv_get(request& req, std::string key);
    response kv_put(request& req, const std::string& key);
    response kv_delete(request& req, const std::string& key);
    response txn(request& req);
    response session_create(request& req);
    response session_renew(request& req, const std::string& id);
    response session_destroy(request& req, const std::string& id);
    boost::asio::awaitable<response> session_read(request& req, std::string what, std::string arg);
    response agent_self() const;

    // Destroys a session and wakes every watcher of the keys it held.
    void invalidate_session(const std::string& id);

    boost::asio::io_context& ioc_;
    options opts_;
    state state_;
    notifier kv_watch_;
    notifier session_watch_;
    std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace csim

#endif
