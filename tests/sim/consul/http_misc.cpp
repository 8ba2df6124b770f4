// /v1/agent/self and consul-sim's own /_sim/consul/* control routes.
#include <boost/json.hpp>

#include "common/util.hpp"
#include "consul_sim.hpp"

namespace csim {

namespace asio = boost::asio;
namespace json = boost::json;

simc::response sim::agent_self() const
{
    // The fields clients read (Config.Datacenter, Config.NodeName, Member); a real agent sends far more.
    json::object config{{"Datacenter", opts_.datacenter},
                        {"PrimaryDatacenter", opts_.datacenter},
                        {"NodeName", opts_.node_name},
                        {"NodeID", "6bb8d1f4-6c5e-4b83-9a39-0e8c5d0c5a11"},
                        {"Revision", "consul-sim"},
                        {"Server", true},
                        {"Version", "1.16.0"}};
    json::object member{{"Name", opts_.node_name},
                        {"Addr", opts_.address},
                        {"Port", 8301},
                        {"Tags", json::object{{"dc", opts_.datacenter},
                                              {"role", "consul"},
                                              {"port", "8300"},
                                              {"build", "1.16.0:consul-sim"}}},
                        {"Status", 1}};
    json::object body{{"Config", std::move(config)},
                      {"Coord", nullptr},
                      {"Member", std::move(member)},
                      {"Meta", json::object{}},
                      {"xDS", nullptr}};
    return simc::json_response(200, body);
}

namespace {

json::object body_object(const simc::request& req)
{
    auto doc = simc::parse_json(req.body);
    return doc && doc->is_object() ? doc->as_object() : json::object{};
}

}  // namespace

void sim::add_control_routes(simc::server& srv)
{
    srv.add_control_route(
        "GET", "/_sim/consul/state", [this](simc::request&) -> asio::awaitable<simc::response> {
            co_return simc::json_response(
                200, json::object{{"index", state_.index},
                                  {"keys", state_.kv.size()},
                                  {"sessions", state_.sessions.list().size()},
                                  {"kv_waiters", kv_watch_.waiting()},
                                  {"value_bytes_written", state_.kv.value_bytes_written()}});
        });
    // Invalidates every session now, as if their TTLs ran out (locks released or deleted, lock-delay on).
    srv.add_control_route("POST", "/_sim/consul/expire-sessions",
                          [this](simc::request&) -> asio::awaitable<simc::response> {
                              std::vector<std::string> ids;
                              for (auto* s : state_.sessions.list())
                                  ids.push_back(s->id);
                              for (auto& id : ids)
                                  invalidate_session(id);
                              co_return simc::json_response(200, json::object{{"expired", ids.size()}});
                          });
    // {"by": "25s"} (a Go duration): moves the clock session TTLs and lock-delays run on forward, then
    // expires what ran out, as if that much time had passed. Answers the total advance.
    srv.add_control_route(
        "POST", "/_sim/consul/advance", [this](simc::request& req) -> asio::awaitable<simc::response> {
            auto obj = body_object(req);
            auto* by = obj.if_contains("by");
            auto step = by && by->is_string() ? simc::parse_go_duration(by->as_string()) : std::nullopt;
            if (!step || step->count() < 0)
                co_return simc::text_response(400,
                                              R"(body must be {"by": "<Go duration>"}, e.g. {"by": "25s"})");
            state_.advanced += std::chrono::duration_cast<clock::duration>(*step);
            for (auto& id : state_.sessions.expired(state_.now()))
                invalidate_session(id);
            auto total = std::chrono::duration_cast<std::chrono::milliseconds>(state_.advanced);
            co_return simc::json_response(200, json::object{{"advanced_ms", total.count()}});
        });
    // {"prefix":"bench/","count":10000,"size":64}: bulk-loads keys for benchmarks in one request.
    srv.add_control_route(
        "POST", "/_sim/consul/load", [this](simc::request& req) -> asio::awaitable<simc::response> {
            auto obj = body_object(req);
            std::string prefix = obj.contains("prefix") && obj.at("prefix").is_string()
                                     ? std::string(obj.at("prefix").as_string())
                                     : "load/";
            auto count = obj.contains("count") ? obj.at("count").to_number<std::uint64_t>() : 0;
            auto size = obj.contains("size") ? obj.at("size").to_number<std::uint64_t>() : 16;
            for (std::uint64_t i = 0; i < count; ++i)
                state_.kv.set(state_.next_index(), prefix + std::to_string(i), std::string(size, 'v'), 0);
            kv_watch_.notify(prefix, true);
            co_return simc::json_response(200, json::object{{"loaded", count}});
        });
    // Empties KV and sessions (the index keeps growing: clients never see it go back).
    srv.add_control_route("POST", "/_sim/consul/clear",
                          [this](simc::request&) -> asio::awaitable<simc::response> {
                              state_.kv.clear();
                              state_.sessions.clear();
                              state_.next_index();
                              kv_watch_.notify_all();
                              session_watch_.notify_all();
                              co_return simc::json_response(200, json::object{{"ok", true}});
                          });
}

}  // namespace csim
