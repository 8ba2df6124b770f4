// /_sim/vault/* routes. Node-changing routes take {"node": i} (JSON body) or ?node=i.
#include "control.hpp"

#include "snapshot_faults.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <memory>

namespace vsim {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {
json::object body_of(const simc::request& req)
{
    auto v = simc::parse_json(req.body);
    return v && v->is_object() ? v->as_object() : json::object{};
}

std::optional<std::int64_t> number(const simc::request& req, const json::object& body, const char* name)
{
    if (const auto* v = body.if_contains(name); v && v->is_number())
        return v->to_number<std::int64_t>();
    if (const auto* q = req.param(name))
    {
        try
        {
            return std::stoll(*q);
        }
        catch (const std::exception&)
        {
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> node_of(const simc::request& req, const json::object& body, cluster& vault)
{
    const auto n = number(req, body, "node");
    if (!n || *n < 0 || static_cast<std::size_t>(*n) >= vault.size())
        return std::nullopt;
    return static_cast<std::size_t>(*n);
}

json::object status_json(simc::server& srv, cluster& vault)
{
    json::array nodes;
    for (std::size_t i = 0; i < vault.size(); ++i)
    {
        auto& n = vault.node(i);
        nodes.push_back(json::object{{"id", n.id},
                                     {"port", n.port},
                                     {"address", vault.api_addr(i)},
                                     {"up", srv.running(i)},
                                     {"sealed", n.sealed},
                                     {"empty", n.empty},
                                     {"active", vault.active() == i}});
    }
    return json::object{{"initialized", vault.initialized()},
                        {"nodes", std::move(nodes)},
                        {"raft_index", vault.raft_index()},
                        {"entries", vault.store().size()},
                        {"rekey_in_progress", vault.rekey().active()}};
}

std::string string_field(const json::object& body, const char* name, const char* fallback)
{
    const auto* v = body.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

simc::response bad_node()
{
    return simc::text_response(400, "missing or invalid node");
}

// Runs fn after delay: stopping a listener from inside one of its own requests would cut the response.
void later(asio::io_context& ioc, std::chrono::milliseconds delay, std::function<void()> fn)
{
    auto timer = std::make_shared<asio::steady_timer>(ioc, delay);
    timer->async_wait([timer, fn = std::move(fn)](boost::system::error_code) { fn(); });
}

void restart_node(simc::server& srv, cluster& vault, std::size_t i)
{
    if (!srv.running(i))
        srv.start(i);
    vault.restart(i);
}
}  // namespace

void add_control_routes(simc::server& srv, asio::io_context& ioc, cluster& vault)
{
    using simc::request;
    using simc::response;
    srv.add_control_route("GET", "/_sim/vault/status", [&srv, &vault](request&) -> asio::awaitable<response> {
        co_return simc::json_response(200, status_json(srv, vault));
    });
    srv.add_control_route("POST", "/_sim/vault/seal",
                          [&srv, &vault](request& req) -> asio::awaitable<response> {
                              const auto node = node_of(req, body_of(req), vault);
                              if (!node)
                                  co_return bad_node();
                              vault.seal(*node);
                              co_return simc::json_response(200, status_json(srv, vault));
                          });
    srv.add_control_route("POST", "/_sim/vault/step-down",
                          [&srv, &vault](request&) -> asio::awaitable<response> {
                              vault.step_down();
                              co_return simc::json_response(200, status_json(srv, vault));
                          });
    // {"node": i, "restart_after_ms": n}: the node dies (sealed, listener closed) and optionally comes back.
    srv.add_control_route("POST", "/_sim/vault/kill",
                          [&srv, &ioc, &vault](request& req) -> asio::awaitable<response> {
                              const auto body = body_of(req);
                              const auto node = node_of(req, body, vault);
                              if (!node)
                                  co_return bad_node();
                              vault.kill(*node);
                              const auto i = *node;
                              later(ioc, std::chrono::milliseconds(20), [&srv, i] { srv.stop(i); });
                              if (const auto after = number(req, body, "restart_after_ms"))
                                  later(ioc, std::chrono::milliseconds(20 + *after),
                                        [&srv, &vault, i] { restart_node(srv, vault, i); });
                              co_return simc::json_response(200, status_json(srv, vault));
                          });
    srv.add_control_route("POST", "/_sim/vault/restart",
                          [&srv, &vault](request& req) -> asio::awaitable<response> {
                              const auto node = node_of(req, body_of(req), vault);
                              if (!node)
                                  co_return bad_node();
                              // A restart loses in-memory state: a rekey pending on this (active) node is
                              // dropped by seal().
                              if (srv.running(*node))
                                  vault.kill(*node);
                              restart_node(srv, vault, *node);
                              co_return simc::json_response(200, status_json(srv, vault));
                          });
    // {"node": i}: the node is replaced by one with empty storage (uninitialised until it joins the raft).
    srv.add_control_route("POST", "/_sim/vault/wipe",
                          [&srv, &vault](request& req) -> asio::awaitable<response> {
                              const auto node = node_of(req, body_of(req), vault);
                              if (!node)
                                  co_return bad_node();
                              vault.wipe(*node);
                              if (!srv.running(*node))
                                  srv.start(*node);
                              co_return simc::json_response(200, status_json(srv, vault));
                          });
    srv.on_reset([] { snapshot_controls_instance() = snapshot_controls{}; });
    // {"mode": "truncate|corrupt|abort|step-down", "after_bytes": n, "count": 1}: the next `count` snapshot
    // downloads get that fault; {"mode": "none"} clears it.
    srv.add_control_route(
        "POST", "/_sim/vault/snapshot-fault", [](request& req) -> asio::awaitable<response> {
            const auto body = body_of(req);
            auto& controls = snapshot_controls_instance();
            const auto* mode = body.if_contains("mode");
            const std::string name = mode && mode->is_string() ? std::string(mode->as_string()) : "";
            if (name == "none")
            {
                controls.fault.reset();
                controls.remaining = 0;
                co_return simc::json_response(200, json::object{{"fault", nullptr}});
            }
            const auto parsed = snapshot_controls::mode_of(name);
            if (!parsed)
                co_return simc::text_response(400,
                                              "mode must be truncate, corrupt, abort, step-down or none");
            const auto after = number(req, body, "after_bytes").value_or(0);
            controls.fault =
                snapshot_fault{*parsed, static_cast<std::uint64_t>(std::max<std::int64_t>(after, 0))};
            controls.remaining =
                static_cast<std::uint64_t>(std::max<std::int64_t>(number(req, body, "count").value_or(1), 1));
            co_return simc::json_response(
                200, json::object{{"mode", name}, {"after_bytes", after}, {"count", controls.remaining}});
        });
    // {"bytes": n, "generated": false}: every snapshot from now on carries ~n bytes of sealed filler
    // (benchmarks); 0 = none. "generated": true makes it cheap, reproducible filler in a stored
    // (uncompressed) gzip stream: the archive is about n bytes and the same on every download
    // (snapshot_input::generated).
    srv.add_control_route(
        "POST", "/_sim/vault/snapshot-padding", [](request& req) -> asio::awaitable<response> {
            const auto body = body_of(req);
            const auto bytes = number(req, body, "bytes").value_or(0);
            auto& controls = snapshot_controls_instance();
            controls.padding_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(bytes, 0));
            const auto* generated = body.if_contains("generated");
            controls.generated = generated && generated->is_bool() && generated->as_bool();
            co_return simc::json_response(200,
                                          json::object{{"bytes", bytes}, {"generated", controls.generated}});
        });
    // {"count": n, "mount": "secret/", "prefix": "bench/"}: n KV v2 secrets written straight into storage.
    srv.add_control_route("POST", "/_sim/vault/load", [&vault](request& req) -> asio::awaitable<response> {
        if (!vault.active())
            co_return simc::text_response(503, "no unsealed active node");
        const auto body = body_of(req);
        const auto count = number(req, body, "count").value_or(0);
        const auto started = std::chrono::steady_clock::now();
        const bool ok = vault.logic().load_synthetic(
            string_field(body, "mount", "secret/"), string_field(body, "prefix", "synthetic/"),
            static_cast<std::size_t>(std::max<std::int64_t>(count, 0)), std::chrono::system_clock::now());
        vault.flush();
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        if (!ok)
            co_return simc::text_response(400, "mount is not a KV v2 mount");
        co_return simc::json_response(200, json::object{{"loaded", count}, {"seconds", took.count()}});
    });
    // {"count": n, "mount": "secret/", "prefix": "", "seed": 1}: n realistic KV v2 secrets (kv_v2_bulk.hpp)
    // straight into storage, one persistence callback; answers the first 5 paths.
    srv.add_control_route("POST", "/_sim/vault/seed", [&vault](request& req) -> asio::awaitable<response> {
        if (!vault.active())
            co_return simc::text_response(503, "no unsealed active node");
        const auto body = body_of(req);
        const auto count = number(req, body, "count").value_or(0);
        const auto seed = number(req, body, "seed").value_or(1);
        if (count < 0 || count > std::int64_t{0xffffffff})
            co_return simc::text_response(400, "count must be between 0 and 4294967295");
        if (seed < 0)
            co_return simc::text_response(400, "seed must be a non-negative integer");
        const auto started = std::chrono::steady_clock::now();
        auto sample = vault.logic().seed(string_field(body, "mount", "secret/"),
                                         string_field(body, "prefix", ""), static_cast<std::uint32_t>(count),
                                         static_cast<std::uint64_t>(seed), std::chrono::system_clock::now());
        vault.flush();
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        if (!sample)
            co_return simc::text_response(400, "mount is not a KV v2 mount");
        json::array paths(sample->begin(), sample->end());
        co_return simc::json_response(
            200,
            json::object{{"seeded", count}, {"seconds", took.count()}, {"paths_sample", std::move(paths)}});
    });
    // ?mount=secret/: {"secrets": live secrets, "sha256": digest over their (path, data)} to compare sims.
    srv.add_control_route("GET", "/_sim/vault/digest", [&vault](request& req) -> asio::awaitable<response> {
        if (!vault.active())
            co_return simc::text_response(503, "no unsealed active node");
        const auto* mount = req.param("mount");
        auto d = vault.logic().digest(mount ? *mount : "secret/", vault.now());
        if (!d)
            co_return simc::text_response(400, "mount is not a KV v2 mount");
        co_return simc::json_response(200, json::object{{"secrets", d->first}, {"sha256", d->second}});
    });
    // {"seconds":N}: the sim's clock jumps N seconds ahead (tokens and leases expire by it); answers the
    // offset.
    srv.add_control_route("POST", "/_sim/vault/advance", [&vault](request& req) -> asio::awaitable<response> {
        const auto seconds = number(req, body_of(req), "seconds");
        if (!seconds || *seconds < 0)
            co_return simc::text_response(400, "seconds must be a non-negative integer");
        vault.advance(std::chrono::seconds(*seconds));
        co_return simc::json_response(200, json::object{{"offset_seconds", vault.clock_offset().count()}});
    });
    // The leases alive on the sim's clock: {"leases":[{"id","issue_time","expire_time","ttl",...}]}.
    srv.add_control_route("GET", "/_sim/vault/leases", [&vault](request&) -> asio::awaitable<response> {
        if (!vault.active())
            co_return simc::text_response(503, "no unsealed active node");
        co_return simc::json_response(200, json::object{{"leases", vault.logic().live_leases(vault.now())}});
    });
}

}  // namespace vsim
