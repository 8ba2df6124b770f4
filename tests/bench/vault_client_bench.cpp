// vault_client_bench: KV v2 reads through vk::vault::client against vault-sim (--latency 2ms, N synthetic
// secrets) at 1, 16, 64 and 256 requests in flight on one thread; requests/s and p50/p99 latency, then
// wrk with 64 connections on the same path and the client/wrk ratio (target at 64 in flight: >= 80%).
// Usage: vault_client_bench [secrets=10000] [seconds per run=3]
//
// --metadata mode: the ceiling the sync origin walk is compared with. KV v2 metadata reads
// (GET /v1/<mount>/metadata/<path>, as the walk does them) of every secret of an already-running Vault (a
// vault-sim loaded with /_sim/vault/seed), cycling through the paths at a fixed number in flight; the paths
// come from a LIST walk of the mount or from --paths-file (one path per line). Prints one parseable line,
// metadata_reads_per_second=<n>, after a human-readable summary.
// Usage: vault_client_bench --metadata --address http://127.0.0.1:PORT [--token root] [--mount secret/]
//                           [--inflight 64] [--seconds 5] [--paths-file F] [--dump-paths F]
//        vault_client_bench --metadata --seed-count N ...   (no --address: starts and seeds its own vault-sim
//                                                            with 2 ms of latency; ctest's smoke run)
#include "sim_process.hpp"
#include "vault/client.hpp"
#include "vault/kv.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
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

// --metadata mode ----------------------------------------------------------------------------------------

struct metadata_options
{
    std::string address;
    std::string token = "root";
    std::string mount = "secret/";
    int inflight = 64;
    int seconds = 5;
    std::string paths_file;
    std::string dump_paths;  // write the paths read (one a line) here, for the caller's own use
    int seed_count =
        10000;  // without --address: a vault-sim of our own (--latency 2ms), seeded with this many
};

metadata_options parse_metadata_options(int argc, char** argv)
{
    metadata_options o;
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--metadata")
            continue;
        if (a == "--address")
            o.address = value();
        else if (a == "--token")
            o.token = value();
        else if (a == "--mount")
            o.mount = value();
        else if (a == "--inflight")
            o.inflight = std::stoi(value());
        else if (a == "--seconds")
            o.seconds = std::stoi(value());
        else if (a == "--paths-file")
            o.paths_file = value();
        else if (a == "--dump-paths")
            o.dump_paths = value();
        else if (a == "--seed-count")
            o.seed_count = std::stoi(value());
        else
            throw std::runtime_error("unknown argument " + a);
    }
    if (o.inflight < 1 || o.seconds < 1)
        throw std::runtime_error("--inflight and --seconds must be at least 1");
    return o;
}

// Every secret path under the mount through LIST, `inflight` folders at a time (so the set-up of a million
// paths takes seconds, not minutes).
struct tree_walk
{
    vk::vault::client& c;
    std::string mount;
    std::vector<std::string> folders{""};
    std::vector<std::string> paths;
    int listing = 0;
    std::string error;

    asio::awaitable<void> worker()
    {
        asio::steady_timer idle(co_await asio::this_coro::executor);
        while (error.empty() && (!folders.empty() || listing > 0))
        {
            if (folders.empty())
            {
                idle.expires_after(std::chrono::milliseconds(1));  // another worker may still add folders
                co_await idle.async_wait(asio::use_awaitable);
                continue;
            }
            auto folder = std::move(folders.back());
            folders.pop_back();
            ++listing;
            auto keys = co_await vk::vault::kv2_list(c, mount, folder);
            --listing;
            if (!keys)
            {
                error = keys.error().describe();
                co_return;
            }
            for (auto& k : *keys)
                (k.ends_with('/') ? folders : paths).push_back(folder + k);
        }
    }
};

std::vector<std::string> read_paths_file(const std::string& file)
{
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error("cannot read --paths-file " + file);
    std::vector<std::string> paths;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            paths.push_back(line);
    return paths;
}

// One of `inflight` readers: takes the next path (round robin over all of them) until `end`.
asio::awaitable<void> metadata_worker(vk::vault::client& c, const metadata_options& o,
                                      const std::vector<std::string>& paths, std::size_t& next,
                                      clock_type::time_point end, run_stats& st)
{
    while (clock_type::now() < end)
    {
        const auto& path = paths[next++ % paths.size()];
        auto t0 = clock_type::now();
        auto r = co_await vk::vault::kv2_read_metadata_json(c, o.mount, path);
        if (r)
            st.latencies_us.push_back(
                std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
        else
            ++st.errors;
    }
}

int run_metadata_mode(int argc, char** argv)
{
    auto o = parse_metadata_options(argc, argv);
    std::unique_ptr<vk::test::sim_process> own_sim;
    if (o.address.empty())
    {
        own_sim = std::make_unique<vk::test::sim_process>(
            "vault-sim", std::vector<std::string>{"--dev-root-token", "root", "--latency", "2ms"});
        auto seeded =
            own_sim->call("POST", "/_sim/vault/seed", R"({"count":)" + std::to_string(o.seed_count) + "}");
        if (seeded.status != 200)
            throw std::runtime_error("seed failed: " + std::to_string(seeded.status) + " " + seeded.body);
        o.address = own_sim->address();
        o.token = "root";
    }
    vk::vault_config cfg;
    cfg.name = "bench";
    cfg.address = o.address;
    cfg.auth.token = vk::secret(o.token);
    cfg.max_connections = o.inflight;
    asio::io_context ctx;
    auto created = vk::vault::client::create(ctx.get_executor(), cfg);
    if (!created)
        throw std::runtime_error(created.error().describe());
    auto& c = **created;
    std::vector<std::string> paths;
    if (!o.paths_file.empty())
        paths = read_paths_file(o.paths_file);
    else
    {
        tree_walk walk{c, o.mount};
        for (int i = 0; i < o.inflight; ++i)
            asio::co_spawn(ctx, walk.worker(), asio::detached);
        ctx.run();
        ctx.restart();
        if (!walk.error.empty())
            throw std::runtime_error("LIST walk failed: " + walk.error);
        paths = std::move(walk.paths);
    }
    if (paths.empty())
        throw std::runtime_error("no secrets under " + o.mount);
    if (!o.dump_paths.empty())
    {
        std::ofstream out(o.dump_paths);
        for (auto& p : paths)
            out << p << '\n';
        if (!out)
            throw std::runtime_error("cannot write --dump-paths " + o.dump_paths);
    }
    run_stats st;
    std::size_t next = 0;
    const auto start = clock_type::now();
    const auto end = start + std::chrono::seconds(o.seconds);
    for (int i = 0; i < o.inflight; ++i)
        asio::co_spawn(ctx, metadata_worker(c, o, paths, next, end, st), [](std::exception_ptr e) {
            if (e)
                std::rethrow_exception(e);
        });
    ctx.run();
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    const double rps = static_cast<double>(st.latencies_us.size()) / elapsed;
    std::printf("metadata reads of %zu paths, %d in flight, %.1f s: p50 %.2f ms, p99 %.2f ms, errors %llu\n",
                paths.size(), o.inflight, elapsed, percentile(st.latencies_us, 0.50) / 1000,
                percentile(st.latencies_us, 0.99) / 1000, static_cast<unsigned long long>(st.errors));
    std::printf("metadata_reads_per_second=%.1f\n", rps);
    return st.errors == 0 && !st.latencies_us.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
try
{
    if (argc > 1 && std::string(argv[1]) == "--metadata")
        return run_metadata_mode(argc, argv);
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
catch (const std::exception& e)
{
    std::cerr << "vault_client_bench: " << e.what() << "\n";
    return 1;
}
