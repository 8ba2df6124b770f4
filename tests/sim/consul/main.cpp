// consul-sim: a wire-faithful single-node Consul stand-in (KV, txn, sessions, ACL, status, agent/self).
// Usage: consul-sim --listen 127.0.0.1:PORT [--datacenter dc1] [--acl-token TOKEN] [--latency 2ms]
#include <iostream>

#include "common/server.hpp"
#include "common/util.hpp"
#include "consul_sim.hpp"

namespace asio = boost::asio;

int main(int argc, char** argv)
{
    std::string error;
    auto flags = simc::cli_flags::parse(argc, argv,
                                        {"listen", "datacenter", "acl-token", "latency", "node-name"}, error);
    if (!flags)
    {
        std::cerr << "consul-sim: " << error << "\n";
        return 2;
    }
    auto listen = simc::split_host_port(flags->get_or("listen", "127.0.0.1:8500"));
    auto latency = simc::parse_go_duration(flags->get_or("latency", "0"));
    if (!listen || !latency)
    {
        std::cerr << "consul-sim: --listen must be host:port and --latency a Go duration\n";
        return 2;
    }
    asio::io_context ioc{1};
    csim::options opts;
    opts.datacenter = flags->get_or("datacenter", "dc1");
    opts.node_name = flags->get_or("node-name", "consul-sim");
    opts.acl_token = flags->get_or("acl-token", "");
    opts.address = listen->first;
    csim::sim consul(ioc, opts);
    simc::server srv(ioc);
    auto id = srv.add_listener({listen->first, listen->second, std::nullopt,
                                [&consul](simc::request& req) { return consul.handle(req); }});
    srv.faults().set_latency(std::chrono::duration_cast<std::chrono::milliseconds>(*latency));
    // /_sim/reset restores the latency given on the command line as well as clearing the faults.
    auto initial_latency = srv.faults().latency();
    srv.on_reset([&srv, initial_latency] { srv.faults().set_latency(initial_latency); });
    consul.add_control_routes(srv);
    if (auto ec = srv.start(id))
    {
        std::cerr << "consul-sim: cannot listen on " << listen->first << ":" << listen->second << ": "
                  << ec.message() << "\n";
        return 1;
    }
    consul.start_session_reaper();
    simc::stop_on_signals(ioc);
    std::cout << "consul-sim listening on " << listen->first << ":" << srv.port(id) << std::endl;
    ioc.run();
    return 0;
}
