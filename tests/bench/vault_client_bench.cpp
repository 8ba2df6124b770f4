// vault_client_bench: KV v2 reads through vk::vault::client against vault-sim (--latency 2ms, N synthetic
// secrets) at 1, 16, 64 and 256 requests in flight on one thread; requests/s and p50/p99 latency, then
// wrk with 64 connections on the same path and the client/wrk ratio (target at 64 in flight: >= 80%).
// Usage: vault_client_bench [secrets=10000] [seconds per run=3]
#include "sim_process.hpp"
#include "vault/client.hpp"
#include "vault/kv.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

constexpr const char* bench_path = "bench/42";

struct run_stats
{
    std::vector<double> latencies_us;
    std::uint64_t errors = 0;
};

// One of `inflight` workers: reads until `end`, recording each latency.
asio::awaitable<void> worker(vk::vault::client& c, clock_type::time_point end, run_stats& st)
{
    while (clock_type::now() < end)
    {
        auto t0 = clock_type::now();
        auto r = co_await vk::vault::kv2_read(c, "secret", bench_path);
        auto us = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
        if (r)
            st.latencies_us.push_back(us);
        else
            ++st.errors;
    }
}

double percentile(std::vector<double>& v, double p)
{
    if (v.empty())
        return 0;
    auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
    return v[idx];
}

// Runs `inflight` workers for `seconds` on a fresh io_context; returns requests/s.
double run_client(const vk::vault_config& cfg, int inflight, int seconds)
{
    asio::io_context ctx;
    auto created = vk::vault::client::create(ctx.get_executor(), cfg);
    if (!created)
        throw std::runtime_error(created.error().describe());
    auto& c = **created;
    run_stats st;
    auto start = clock_type::now();
    auto end = start + std::chrono::seconds(seconds);
    for (int i = 0; i < inflight; ++i)
        asio::co_spawn(ctx, worker(c, end, st), [](std::exception_ptr e) {
            if (e)
                std::rethrow_exception(e);  // a bug: stop the bench loudly
        });
    ctx.run();
    double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    double rps = static_cast<double>(st.latencies_us.size()) / elapsed;
    auto p50 = percentile(st.latencies_us, 0.50);
    auto p99 = percentile(st.latencies_us, 0.99);
    std::printf(
        "client  in-flight %3d: %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %llu  connections %llu\n",
        inflight, rps, p50 / 1000, p99 / 1000, static_cast<unsigned long long>(st.errors),
        static_cast<unsigned long long>(c.connections_opened()));
    return rps;
}

// wrk with 64 connections on the same path; returns its requests/s (0 when wrk is missing or fails).
double run_wrk(std::uint16_t port, int seconds)
{
    std::string cmd = "wrk -t1 -c64 -d" + std::to_string(seconds) + "s -H 'X-Vault-Token: root' " +
                      "http://127.0.0.1:" + std::to_string(port) + "/v1/secret/data/" + bench_path + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
    if (!pipe)
        return 0;
    std::string out;
    std::array<char, 4096> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), pipe.get()))
        out.append(buf.data(), n);
    std::smatch m;
    if (!std::regex_search(out, m, std::regex("Requests/sec:\\s*([0-9.]+)")))
    {
        std::cerr << "wrk failed:\n" << out;
        return 0;
    }
    return std::stod(m[1].str());
}

}  // namespace

int main(int argc, char** argv)
{
    int secrets = argc > 1 ? std::stoi(argv[1]) : 10000;
    int seconds = argc > 2 ? std::stoi(argv[2]) : 3;
    vk::test::sim_process sim("vault-sim", {"--dev-root-token", "root", "--latency", "2ms"});
    auto load =
        sim.call("POST", "/_sim/vault/load",
                 R"({"count":)" + std::to_string(secrets) + R"(,"mount":"secret/","prefix":"bench/"})");
    if (load.status != 200)
    {
        std::cerr << "load failed: " << load.status << " " << load.body << "\n";
        return 1;
    }
    std::printf("vault-sim on port %u, --latency 2ms, %d synthetic secrets, %d s per run\n", sim.port(),
                secrets, seconds);
    vk::vault_config cfg;
    cfg.name = "bench";
    cfg.address = sim.address();
    cfg.auth.token = vk::secret("root");
    cfg.max_connections = 256;
    double at64 = 0;
    for (int inflight : {1, 16, 64, 256})
    {
        double rps = run_client(cfg, inflight, seconds);
        if (inflight == 64)
            at64 = rps;
    }
    double wrk = run_wrk(sim.port(), seconds);
    std::printf("wrk     64 connections : %9.0f req/s\n", wrk);
    if (wrk > 0)
        std::printf("client/wrk at 64 in flight: %.0f%% (target >= 80%%)\n", 100.0 * at64 / wrk);
    return 0;
}
