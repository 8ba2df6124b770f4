// `vaultkeeper --once --config F`: every emissary job rendered once, outside the daemon.
#include "emissary/once.hpp"

#include "async/sleep.hpp"
#include "core/log.hpp"
#include "emissary/emissary_core.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>

namespace vk::emissary {
namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace {

// Cycles until every template rendered (and the command ran) or the job's timeout passed.
asio::awaitable<bool> render_job(std::shared_ptr<emissary_core> core)
{
    const auto deadline = steady_clock::now() + core->timeout;
    std::uint64_t id = 0;
    while (!core->finished && steady_clock::now() < deadline)
    {
        runtime::cycle_context ctx(core->job, "emissary", ++id, nullptr);
        co_await core->cycle(ctx);
        if (core->finished)
            break;
        auto due = core->next_due().value_or(steady_clock::now() + std::chrono::seconds(1));
        auto wait = std::clamp<steady_clock::duration>(
            due - steady_clock::now(), std::chrono::milliseconds(10), std::chrono::seconds(1));
        co_await sleep_for(std::min<steady_clock::duration>(wait, deadline - steady_clock::now()));
    }
    co_return core->finished &&
        (core->command.outcome == command_result::none || core->command.outcome == command_result::ok);
}

void report(const emissary_core& core)
{
    for (std::size_t i = 0; i < core.templates.size(); ++i)
    {
        const auto& t = core.templates[i];
        if (t.phase == template_phase::rendered)
            continue;
        std::cerr << core.job << ": " << core.settings->templates[i].destination << ": "
                  << to_string(t.phase);
        for (const auto& m : t.missing)
            std::cerr << (&m == &t.missing.front() ? " (missing: " : ", ") << m;
        std::cerr << (t.missing.empty() ? "" : ")") << (t.error.empty() ? "" : ": " + t.error) << "\n";
    }
    if (core.setup_error)
        std::cerr << core.job << ": " << core.setup_error->describe() << "\n";
    if (core.command.outcome != command_result::none && core.command.outcome != command_result::ok)
        std::cerr << core.job << ": command " << to_string(core.command.outcome) << "\n";
}

}  // namespace

int run_once(const vk::config& cfg)
{
    asio::io_context ioc(1);
    auto shared = std::make_shared<const vk::config>(cfg);
    runtime::job_services services{ioc.get_executor(), shared, nullptr};
    std::vector<std::shared_ptr<emissary_core>> cores;
    for (const auto& jc : cfg.jobs)
        if (jc.kind == "emissary" && jc.enabled)
        {
            cores.push_back(std::make_shared<emissary_core>(jc, services));
            cores.back()->force_once();
        }
    int failures = 0;
    for (const auto& core : cores)
    {
        if (core->setup_error)  // what the daemon's factory would refuse (runtime::body_of)
        {
            ++failures;
            report(*core);
            continue;
        }
        asio::co_spawn(ioc, render_job(core), [&failures, core](std::exception_ptr e, bool ok) {
            if (e || !ok)
            {
                ++failures;
                report(*core);
            }
        });
    }
    ioc.run();
    std::cerr << "vaultkeeper --once: " << cores.size() - static_cast<std::size_t>(failures) << " of "
              << cores.size() << " emissary jobs rendered\n";
    return failures == 0 ? 0 : 1;
}

}  // namespace vk::emissary
