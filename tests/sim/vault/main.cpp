// vault-sim: a wire-faithful stand-in for a HashiCorp Vault cluster (see tests/sim/README.md).
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <iostream>

#include "cluster.hpp"
#include "common/server.hpp"
#include "common/util.hpp"
#include "control.hpp"
#include "front.hpp"
#include "restore_upload.hpp"

namespace {

constexpr const char* usage =
    "usage: vault-sim --listen 127.0.0.1:PORT [--nodes N] [--dev-root-token TOKEN] [--data-dir DIR]\n"
    "                 [--latency 2ms] [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]]\n";

struct config
{
    std::string host;
    unsigned short port = 0;
    std::size_t nodes = 1;
    std::string dev_root_token;
    std::string data_dir;
    std::chrono::milliseconds latency{0};
    std::optional<simc::tls_files> tls;
};

std::optional<config> parse(int argc, char** argv)
{
    std::string error;
    auto flags = simc::cli_flags::parse(
        argc, argv,
        {"listen", "nodes", "dev-root-token", "data-dir", "latency", "tls-cert", "tls-key", "tls-client-ca"},
        error);
    if (!flags)
    {
        std::cerr << error << "\n" << usage;
        return std::nullopt;
    }
    config c;
    const auto listen = simc::split_host_port(flags->get_or("listen", "127.0.0.1:8200"));
    const auto latency = simc::parse_go_duration(flags->get_or("latency", "0s"));
    if (!listen || !latency)
    {
        std::cerr << "invalid --listen or --latency\n" << usage;
        return std::nullopt;
    }
    c.host = listen->first;
    c.port = listen->second;
    c.nodes = std::stoul(flags->get_or("nodes", "1"));
    c.dev_root_token = flags->get_or("dev-root-token", "");
    c.data_dir = flags->get_or("data-dir", "");
    c.latency = std::chrono::duration_cast<std::chrono::milliseconds>(*latency);
    if (flags->has("tls-cert") != flags->has("tls-key"))
    {
        std::cerr << "--tls-cert and --tls-key go together\n" << usage;
        return std::nullopt;
    }
    if (flags->has("tls-cert"))
        c.tls = simc::tls_files{*flags->get("tls-cert"), *flags->get("tls-key"),
                                flags->get_or("tls-client-ca", "")};
    else if (flags->has("tls-client-ca"))
    {
        std::cerr << "--tls-client-ca needs --tls-cert and --tls-key\n" << usage;
        return std::nullopt;
    }
    if (c.nodes < 1 || c.nodes > 16)
    {
        std::cerr << "--nodes must be 1..16\n";
        return std::nullopt;
    }
    return c;
}

simc::response vault_failure(unsigned status)
{
    return simc::json_errors(status, {"simulated failure"});
}

}  // namespace

int main(int argc, char** argv)
{
    const auto cfg = parse(argc, argv);
    if (!cfg)
        return 2;
    boost::asio::io_context ioc{1};
    vsim::cluster vault(
        {.nodes = cfg->nodes,
         .host = cfg->host,
         .base_port = cfg->port,
         .tls = cfg->tls.has_value(),
         .dev_root_token = cfg->dev_root_token,
         .data_dir = cfg->data_dir,
         .post = [&ioc](std::function<void()> fn) { boost::asio::post(ioc, std::move(fn)); }});
    simc::server srv(ioc, {.fail_response = vault_failure});
    srv.faults().set_latency(cfg->latency);
    for (std::size_t i = 0; i < cfg->nodes; ++i)
    {
        const auto id = srv.add_listener({.address = cfg->host,
                                          .port = static_cast<unsigned short>(cfg->port + i),
                                          .tls = cfg->tls,
                                          .on_request = vsim::make_node_handler(vault, i),
                                          .streams_body = vsim::streams_restore_body});
        if (auto ec = srv.start(id))
        {
            std::cerr << "vault-sim: cannot listen on " << cfg->host << ":" << cfg->port + i << ": "
                      << ec.message() << "\n";
            return 1;
        }
    }
    vsim::add_control_routes(srv, ioc, vault);
    vsim::add_request_log_route(srv, vault);
    simc::stop_on_signals(ioc, [&vault] { vault.flush(); });
    std::cout << "vault-sim listening on " << cfg->host << ":" << cfg->port << " (" << cfg->nodes << " nodes)"
              << std::endl;
    ioc.run();
    return 0;
}
