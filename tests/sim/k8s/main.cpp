// k8s-sim: a wire-faithful stand-in for the core/v1 Secrets API of a Kubernetes API server (see
// tests/sim/README.md).
#include "common/server.hpp"
#include "common/util.hpp"
#include "k8s_sim.hpp"

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

constexpr const char* usage =
    "usage: k8s-sim --listen 127.0.0.1:PORT (--token TOKEN | --token-file FILE)\n"
    "               [--data-dir DIR] [--latency 2ms] [--tls-cert FILE --tls-key FILE]\n";

struct config
{
    std::string host;
    unsigned short port = 0;
    ksim::options sim;
    std::chrono::milliseconds latency{0};
    std::optional<simc::tls_files> tls;
};

// The token file's content without a trailing newline ("" when unreadable).
std::string read_token(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto token = ss.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
        token.pop_back();
    return token;
}

std::optional<config> parse(int argc, char** argv)
{
    std::string error;
    auto flags = simc::cli_flags::parse(
        argc, argv, {"listen", "token", "token-file", "data-dir", "latency", "tls-cert", "tls-key"}, error);
    if (!flags)
    {
        std::cerr << error << "\n" << usage;
        return std::nullopt;
    }
    config c;
    const auto listen = simc::split_host_port(flags->get_or("listen", "127.0.0.1:6443"));
    const auto latency = simc::parse_go_duration(flags->get_or("latency", "0s"));
    if (!listen || !latency || flags->has("tls-cert") != flags->has("tls-key"))
    {
        std::cerr << "invalid --listen or --latency, or --tls-cert without --tls-key\n" << usage;
        return std::nullopt;
    }
    std::tie(c.host, c.port) = *listen;
    c.latency = std::chrono::duration_cast<std::chrono::milliseconds>(*latency);
    c.sim.token =
        flags->has("token-file") ? read_token(*flags->get("token-file")) : flags->get_or("token", "");
    c.sim.data_dir = flags->get_or("data-dir", "");
    if (c.sim.token.empty())
    {
        std::cerr << "a non-empty --token or --token-file is required\n" << usage;
        return std::nullopt;
    }
    if (flags->has("tls-cert"))
        c.tls = simc::tls_files{*flags->get("tls-cert"), *flags->get("tls-key")};
    return c;
}

// Injected failures look like the API server's own: a Status object.
simc::response k8s_failure(unsigned status)
{
    const bool unavailable = status == 503;
    return ksim::status_response(
        {status, unavailable ? "ServiceUnavailable" : "InternalError", "simulated failure", ""});
}

}  // namespace

int main(int argc, char** argv)
{
    const auto cfg = parse(argc, argv);
    if (!cfg)
        return 2;
    boost::asio::io_context ioc{1};
    std::optional<ksim::sim> k8s;
    try
    {
        k8s.emplace(cfg->sim);
    }
    catch (const std::exception& e)
    {
        std::cerr << "k8s-sim: " << e.what() << "\n";
        return 1;
    }
    // Five segments make counter keys like "GET /api/v1/namespaces/vault/secrets".
    simc::server srv(ioc, {.counter_segments = 5, .fail_response = k8s_failure});
    srv.faults().set_latency(cfg->latency);
    const auto initial_latency = srv.faults().latency();
    srv.on_reset([&srv, initial_latency] { srv.faults().set_latency(initial_latency); });
    const auto id = srv.add_listener(
        {.address = cfg->host, .port = cfg->port, .tls = cfg->tls, .on_request = [&k8s](simc::request& req) {
             return k8s->handle(req);
         }});
    if (auto ec = srv.start(id))
    {
        std::cerr << "k8s-sim: cannot listen on " << cfg->host << ":" << cfg->port << ": " << ec.message()
                  << "\n";
        return 1;
    }
    k8s->add_control_routes(srv);
    simc::stop_on_signals(ioc);
    std::cout << "k8s-sim listening on " << cfg->host << ":" << srv.port(id) << (cfg->tls ? " (TLS)" : "")
              << std::endl;
    ioc.run();
    return 0;
}
