// cloud-sim: a wire-faithful stand-in for the AWS credential endpoints (STS, IMDSv2, the container
// credentials endpoint) and Azure's (IMDS managed identity, the v2 token endpoint) on one loopback port (see
// tests/sim/README.md).
#include "azure_sim.hpp"
#include "cloud_sim.hpp"
#include "common/server.hpp"
#include "common/util.hpp"

#include <boost/asio/io_context.hpp>
#include <iostream>

namespace {

constexpr const char* usage =
    "usage: cloud-sim --listen 127.0.0.1:PORT [--ttl 3600s] [--role-arn ARN] [--web-identity-token T]\n"
    "                 [--container-token T] [--instance-role NAME] [--known-access-key AKID]\n";

std::optional<std::pair<std::pair<std::string, unsigned short>, csim::options>> parse(int argc, char** argv)
{
    std::string error;
    auto flags = simc::cli_flags::parse(argc, argv,
                                        {"listen", "ttl", "role-arn", "web-identity-token", "container-token",
                                         "instance-role", "known-access-key"},
                                        error);
    if (!flags)
    {
        std::cerr << error << "\n" << usage;
        return std::nullopt;
    }
    auto listen = simc::split_host_port(flags->get_or("listen", "127.0.0.1:8090"));
    auto ttl = simc::parse_go_duration(flags->get_or("ttl", "3600s"));
    if (!listen || !ttl)
    {
        std::cerr << "invalid --listen or --ttl\n" << usage;
        return std::nullopt;
    }
    csim::options o;
    o.ttl = std::chrono::duration_cast<std::chrono::seconds>(*ttl);
    o.role_arn = flags->get_or("role-arn", o.role_arn);
    o.web_identity_token = flags->get_or("web-identity-token", "");
    o.container_token = flags->get_or("container-token", "");
    o.instance_role = flags->get_or("instance-role", o.instance_role);
    if (flags->has("known-access-key"))
        o.known_access_keys.push_back(*flags->get("known-access-key"));
    return std::pair{*listen, o};
}

// Injected failures look like AWS's: an STS-shaped 5xx (the other endpoints' clients read only the status).
simc::response cloud_failure(unsigned status)
{
    simc::response r;
    r.status = status;
    r.body = "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>simulated "
             "failure</Message></Error><RequestId>0</RequestId></ErrorResponse>";
    r.set("Content-Type", "text/xml");
    return r;
}

}  // namespace

int main(int argc, char** argv)
{
    auto cfg = parse(argc, argv);
    if (!cfg)
        return 2;
    auto [where, opts] = *cfg;
    boost::asio::io_context ioc{1};
    csim::sim cloud(opts);
    csim::azure_sim azure({.ttl = opts.ttl});
    // Six segments count ".../iam/security-credentials/<role>" apart from the listing.
    simc::server srv(ioc, {.counter_segments = 6, .fail_response = cloud_failure});
    auto id = srv.add_listener(
        {.address = where.first,
         .port = where.second,
         .on_request = [&cloud, &azure](simc::request& req) -> boost::asio::awaitable<simc::response> {
             // Both live until main returns, after the server has stopped.
             if (auto r = azure.answer(req))
                 co_return std::move(*r);
             co_return cloud.answer(req);
         }});
    if (auto ec = srv.start(id))
    {
        std::cerr << "cloud-sim: cannot listen on " << where.first << ":" << where.second << ": "
                  << ec.message() << "\n";
        return 1;
    }
    cloud.add_control_routes(srv);
    azure.add_control_routes(srv);
    simc::stop_on_signals(ioc);
    std::cout << "cloud-sim listening on " << where.first << ":" << srv.port(id) << std::endl;
    ioc.run();
    return 0;
}
