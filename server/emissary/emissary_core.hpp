// What one emissary job knows across cycles: the clients of its sources, every value fetched so far (the
// last good one survives a failed refresh), each template's state and the command's last run. Lives in a
// shared_ptr so the background watches and admin actions can hold it.
#ifndef VAULTKEEPER_SERVER_EMISSARY_EMISSARY_CORE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_EMISSARY_CORE_HPP

#include "emissary/command.hpp"
#include "emissary/leases.hpp"
#include "emissary/model/check_registry.hpp"
#include "emissary/model/cycle.hpp"
#include "emissary/model/policy.hpp"
#include "emissary/model/poll_backoff.hpp"
#include "emissary/model/redaction.hpp"
#include "emissary/model/render.hpp"
#include "emissary/model/settings.hpp"
#include "emissary/sources.hpp"
#include "metrics/family.hpp"
#include "runtime/job_kind.hpp"
#include "runtime/kind_core.hpp"
#include "runtime/model/cycle.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace vk::emissary {

struct dep_state
{
    std::optional<fetched> value;  // the last answer (kept when a refresh fails)
    poll_backoff backoff;          // retries since the answers last made progress
    bool judged = true;            // false: a new answer waits for the renders to say whether it is usable
    clock_time next_poll{};        // the epoch = due now (a change: emissary_core::polls_changed())
    std::optional<error> last_error;
    bool watched = false;  // a Consul blocking query or a Vault version check keeps it fresh (same)
};

struct template_state
{
    template_phase phase = template_phase::waiting;
    std::vector<std::string> missing;
    std::string error;
    std::optional<runtime::system_time> last_render;  // last time its bytes were confirmed on disk
    std::optional<runtime::system_time> last_change;  // last time they were written
    bool would_change = false;                        // dry_run: the file differs from the render
};

struct command_state
{
    std::optional<int> exit_status;
    command_result outcome = command_result::none;
    std::optional<runtime::system_time> at;
    std::uint64_t runs = 0;
};

// One command's window, shared by every job of the daemon that runs the same argv: identical commands
// inside one `wait` window run once, whichever job's cycle finds it due first (the first job's wait wins).
struct shared_command
{
    explicit shared_command(wait_window w)
        : window(w)
    {
    }
    command_window window;
    bool running = false;  // a run in progress: a change meanwhile waits for the next due time
};
std::shared_ptr<shared_command> shared_command_for(const std::vector<std::string>& argv, wait_window w);

// The values a job has read or rendered since the process started, kept by job name so a reload that
// rebuilds the job keeps hiding the values it rendered before.
std::shared_ptr<secret_memory> secret_memory_for(const std::string& job);

struct emissary_core : runtime::kind_core<emissary_settings>
{
    std::chrono::milliseconds timeout{};
    std::map<std::string, source_clients> sources;
    std::map<dependency, dep_state> deps;
    std::map<std::string, source_checks> checks;  // Vault KV v2 sources whose versions are checked
    std::vector<template_state> templates;
    std::shared_ptr<shared_command> window;
    command_state command;
    std::shared_ptr<secret_memory>
        memory;             // what to hide: every value read or rendered, not only the current
    bool once = false;      // the settings' once, or forced by --once
    bool finished = false;  // once: everything rendered and the command ran
    std::mt19937_64 rng{std::random_device{}()};
    // Which templates read each dependency, and which templates must render at the next cycle: those whose
    // values were answered since (changed or not: the answer needs their verdict), those that failed, and
    // every template once per `interval` (a file changed by hand is put back). A cycle that a change of one
    // key among ten thousand templates starts renders the few that read it.
    std::map<dependency, std::vector<std::size_t>> readers;
    std::vector<char> dirty;
    clock_time last_full_pass{};
    std::chrono::milliseconds full_pass_every{};
    lease_keeper leases;  // dynamic Vault secrets: renewals, replacements, the state file

    emissary_core(const vk::job_config& jc, runtime::job_services& services);

    // One pass: fetch what is due, render, write, maybe run the command.
    boost::asio::awaitable<void> cycle(runtime::cycle_context& ctx);
    // The earliest moment a poll or the command is due (steady clock); nullopt when nothing is pending.
    std::optional<clock_time> next_due() const;
    // next_due() keeps the earliest poll of the values not watched: whatever changes a value's next_poll or
    // watched says so here. (The pump asks every second; walking every value of ten thousand templates
    // each time was most of an idle daemon's CPU.)
    void polls_changed() { polls_changed_ = true; }
    bool all_rendered() const;
    // --once: stop after the first complete render; the command runs at once (no wait window).
    void force_once();
    boost::json::object status() const;
    // Records a value from a watch or a fetch; its next poll is scheduled once the renders judged it.
    void record(const dependency& d, const fetched& f);
    // Text and errors with every value this job ever read or rendered replaced by "<redacted>".
    std::string hide(std::string_view text) const;
    error hide(error e) const;

private:
    boost::asio::awaitable<void> fetch_due(runtime::cycle_context& ctx);
    // Renders every template and writes those complete (on the blocking pool); true when a file changed.
    boost::asio::awaitable<bool> render_all(runtime::cycle_context& ctx);
    // Records the outcome of template i's write (or dry-run comparison); true when its file changed.
    bool applied(std::size_t i, const write_decision& done, const std::optional<error>& failure,
                 runtime::cycle_context& ctx);
    boost::asio::awaitable<void> run_the_command(runtime::cycle_context& ctx);
    // Renders template i from the values fetched so far and writes it when complete; true when its file
    // changed.
    boost::asio::awaitable<bool> render_one(std::size_t i, std::map<dependency, verdict>& verdicts,
                                            runtime::cycle_context& ctx);
    // The templates to render this cycle (see `dirty`), each cleared.
    std::vector<std::size_t> due_templates();
    void retry_later(dep_state& s, fetch_class c, clock_time now);
    // Schedules the next poll of every value answered since the last renders, from their verdicts.
    void schedule(const std::map<dependency, verdict>& verdicts);
    void remember_substitutions(std::size_t index, const render_result& r);
    void count(const metrics::family& f, const std::string& outcome) const;

    mutable bool polls_changed_ = true;
    mutable std::optional<clock_time> earliest_poll_;
};

}  // namespace vk::emissary

#endif
