// The command line: parse flags, load the config, run the daemon on one io_context. Shared by the production
// binary (server/main.cpp) and the test build of the daemon, which differ only in the kinds they know.
#include "app/cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <sys/prctl.h>
#include <utility>

#include "api/admin_api.hpp"
#include "app/daemon.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "emissary/once.hpp"
#include "runtime/job_set.hpp"
#include "snapshot/decrypt_command.hpp"

namespace {

constexpr const char* usage = R"(usage: vaultkeeper --config FILE [--allow-core-dumps]
                                        run the daemon (core dumps are off: they would hold tokens and
                                        copied secrets)
       vaultkeeper --check-config FILE  validate FILE; exit 0, or 2 printing every problem
       vaultkeeper --once --config FILE render every emissary job's templates once (commands included);
                                        exit 0, or 1 if any template could not be rendered within its
                                        job's timeout
       vaultkeeper --print-routes       list the admin API routes (METHOD PATH)
       vaultkeeper --decrypt-snapshot IN --cert CERT --key KEY --out OUT
                                        decrypt an encrypt_for snapshot (flat memory) and verify the
                                        archive; exit 0, or 1 leaving no OUT
       vaultkeeper --version
       vaultkeeper --help

Signals: SIGINT/SIGTERM shut down gracefully; SIGHUP reloads FILE (an invalid file is rejected and the
running configuration stays).
)";

vk::kind_parsers parsers(const std::vector<vk::runtime::job_kind>& kinds)
{
    vk::kind_parsers out;
    for (const auto& k : kinds)
        out.emplace(k.name, k.parse);
    return out;
}

int check_config(const std::string& path, const std::vector<vk::runtime::job_kind>& kinds)
{
    auto cfg = vk::load_config(path, parsers(kinds));
    if (!cfg)
    {
        std::cerr << cfg.error().render();
        return 2;
    }
    for (const auto& w : cfg->warnings)
        std::cerr << w << " (warning)\n";
    std::cout << path << ": ok (" << cfg->jobs.size() << " jobs)\n";
    for (const auto& job : cfg->jobs)
        for (const auto& k : kinds)
            if (k.name == job.kind && k.describe)
                for (const auto& line : k.describe(job))
                    std::cout << "  " << job.name << ": " << line << "\n";
    return 0;
}

int run_once(const std::string& path, const std::vector<vk::runtime::job_kind>& kinds)
{
    auto cfg = vk::load_config(path, parsers(kinds));
    if (!cfg)
    {
        std::cerr << cfg.error().render();
        return 2;
    }
    vk::log::setup(cfg->log.format, cfg->log.level);
    return vk::emissary::run_once(*cfg);
}

int print_routes(const std::vector<vk::runtime::job_kind>& kinds)
{
    vk::api::context ctx;
    ctx.kinds = &kinds;
    static const vk::api::access_list none;
    auto r = vk::api::build_router(ctx, [&]() -> const vk::api::access_list& { return none; });
    for (const auto& route : r->routes())
        std::cout << route.method << " " << route.pattern << " " << vk::api::guard_name(route) << "\n";
    return 0;
}

int run(const std::string& path, std::vector<vk::runtime::job_kind> kinds)
{
    auto cfg = vk::load_config(path, parsers(kinds));
    if (!cfg)
    {
        std::cerr << cfg.error().render();
        return 2;
    }
    vk::log::setup(cfg->log.format, cfg->log.level);
    vk::log::info("vaultkeeper starting", {{"version", VK_VERSION}, {"config", path}});
    for (const auto& w : cfg->warnings)
        vk::log::warn("config warning", {{"problem", w}});
    boost::asio::io_context ioc(1);
    vk::app::daemon d(ioc, std::move(*cfg), vk::app::daemon_params{path, std::move(kinds)});
    int exit_code = 1;
    boost::asio::co_spawn(ioc, d.run(), [&](std::exception_ptr e, int code) {
        if (!e)
        {
            exit_code = code;
            return;
        }
        try
        {
            std::rethrow_exception(e);
        }
        catch (const std::exception& what)
        {
            vk::log::error("daemon failed", {{"error", what.what()}});
        }
    });
    ioc.run();
    return exit_code;
}

}  // namespace

namespace vk::app {

namespace {

// The daemon's flags after --config FILE.
struct run_flags
{
    bool allow_core_dumps = false;
};

std::optional<run_flags> parse_run_flags(const std::vector<std::string>& rest)
{
    run_flags f;
    for (const auto& a : rest)
    {
        if (a == "--allow-core-dumps")
            f.allow_core_dumps = true;
        else
            return std::nullopt;
    }
    return f;
}

// A core dump would write tokens, keys and copied secret values to disk: the process is made non-dumpable
// (which also keeps other users' debuggers out) unless the operator asks otherwise.
void protect_memory(const run_flags& f)
{
    if (!f.allow_core_dumps)
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace

int run_cli(int argc, char** argv, std::vector<runtime::job_kind> kinds)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string a1 = args.empty() ? "" : args[0];
    try
    {
        if (args.size() == 1 && (a1 == "--help" || a1 == "-h"))
            return std::cout << usage, 0;
        if (args.size() == 1 && a1 == "--version")
            return std::cout << "vaultkeeper " << VK_VERSION << "\n", 0;
        if (args.size() == 1 && a1 == "--print-routes")
            return print_routes(kinds);
        if (args.size() == 8 && a1 == "--decrypt-snapshot" && args[2] == "--cert" && args[4] == "--key" &&
            args[6] == "--out")
            return ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0),
                   vk::snapshot::decrypt_snapshot_command(args[1], args[3], args[5], args[7]);
        if (args.size() == 2 && a1 == "--check-config")
            return check_config(args[1], kinds);
        if (args.size() == 3 && a1 == "--once" && args[1] == "--config")
            return ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), run_once(args[2], kinds);
        if (args.size() >= 2 && a1 == "--config")
        {
            auto flags = parse_run_flags({args.begin() + 2, args.end()});
            if (flags)
            {
                protect_memory(*flags);
                return run(args[1], std::move(kinds));
            }
        }
    }
    catch (const std::exception& e)
    {
        std::cerr << "vaultkeeper: " << e.what() << "\n";
        return 1;
    }
    std::cerr << usage;
    return 2;
}

}  // namespace vk::app
