// The emissary cycle: poll what is due, render in memory, write what changed, run the command once.
#include "emissary/emissary_core.hpp"

#include "async/blocking.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "emissary/atomic_write.hpp"
#include "emissary/emissary_metrics.hpp"
#include "emissary/pki.hpp"
#include "emissary/vault_checks.hpp"
#include "metrics/registry.hpp"

#include <boost/json/array.hpp>

namespace vk::emissary {
namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

constexpr clock_time never = clock_time::max();

std::string describe_for_log(const dependency& d)
{
    switch (d.kind)
    {
    case dep_kind::tree: return d.source + " " + d.path + " (keys under the prefix)";
    case dep_kind::secrets: return d.source + " " + d.path + " (the folder's names)";
    default: return d.source + " " + d.path;
    }
}

}  // namespace

std::shared_ptr<secret_memory> secret_memory_for(const std::string& job)
{
    static std::map<std::string, std::shared_ptr<secret_memory>> memories;  // the io_context's thread only
    auto& m = memories[job];
    if (!m)
        m = std::make_shared<secret_memory>();
    return m;
}

std::shared_ptr<shared_command> shared_command_for(const std::vector<std::string>& argv, wait_window w)
{
    static std::map<std::string, std::weak_ptr<shared_command>> registry;  // the io_context's thread only
    std::string key;
    for (const auto& a : argv)
        key.append(a).push_back('\0');
    if (auto existing = registry[key].lock(); existing && !argv.empty())
        return existing;
    auto made = std::make_shared<shared_command>(w);
    if (!argv.empty())
        registry[key] = made;
    return made;
}

emissary_core::emissary_core(const vk::job_config& jc, runtime::job_services& services)
    : kind_core(jc, services),
      timeout(jc.timeout),
      window(settings->once ? std::make_shared<shared_command>(wait_window{})
                            : shared_command_for(settings->command, settings->wait)),
      memory(secret_memory_for(job)),
      once(settings->once)
{
    auto made = make_sources(executor, *config, settings->sources);
    if (made)
        sources = std::move(*made);
    else
        setup_error = made.error();
    for (const auto& t : settings->templates)
        for (const auto& d : t.ast.dependencies())
            deps.emplace(d, dep_state{});
    templates.resize(settings->templates.size());
    dirty.assign(templates.size(), 1);
    full_pass_every = std::chrono::duration_cast<std::chrono::milliseconds>(jc.interval);
    std::size_t references = deps.size();  // one per value read, one per template action that printed one
    for (std::size_t i = 0; i < settings->templates.size(); ++i)
    {
        const auto& t = settings->templates[i];
        for (const auto& d : t.ast.dependencies())
            readers[d].push_back(i);
        references += t.ast.outputs;
        remove_stale_temps(t.destination);  // a crash mid-write leaves one, holding part of a secret
    }
    memory->reserve_references(2 * references);  // twice: a reload that renames keeps the old ones a while
}

void emissary_core::count(const metrics::family& f, const std::string& outcome) const
{
    if (metrics)
        metrics->counter_add(f, {{"job", job}, {"outcome", outcome}}, 1);
}

std::string emissary_core::hide(std::string_view text) const
{
    return redact(text, memory->values());
}

error emissary_core::hide(error e) const
{
    e.message = hide(e.message);
    return e;
}

void emissary_core::retry_later(dep_state& s, fetch_class c, clock_time now)
{
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    s.next_poll = now + s.backoff.trouble(c, settings->retry, uniform(rng));
    polls_changed();
}

void emissary_core::record(const dependency& d, const fetched& f)
{
    auto& s = deps[d];
    s.backoff.answered(!s.value || s.value->present != f.present || s.value->value != f.value);
    s.value = f;
    s.last_error.reset();
    s.judged = false;
    polls_changed();
    if (auto r = readers.find(d); r != readers.end())
        for (auto i : r->second)
            dirty[i] = 1;
    auto strings = secret_strings(d, f);
    if (!strings.empty())
        memory->remember("value " + describe_for_log(d), std::move(strings));
}

void emissary_core::schedule(const std::map<dependency, verdict>& verdicts)
{
    const auto now = steady_clock::now();
    for (auto& [d, s] : deps)
    {
        if (s.judged)
            continue;
        s.judged = true;
        if (d.kind == dep_kind::pki && s.value)  // a certificate: re-issued at ~2/3 of its validity only
        {
            s.backoff.usable();
            s.next_poll = pki_next_poll(*s.value, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
            continue;
        }
        if (auto v = verdicts.find(d); v != verdicts.end() && v->second)
        {
            retry_later(s, *v->second, now);
            continue;
        }
        s.backoff.usable();
        // A leased secret is not polled: its lease says when it is renewed or replaced (leases.cpp).
        const bool leased = s.value && s.value->lease && !s.value->lease->id.empty();
        s.next_poll = settings->refresh.count() > 0 && !leased ? now + settings->refresh : never;
    }
    polls_changed();
}

void emissary_core::remember_substitutions(std::size_t index, const render_result& r)
{
    const auto& destination = settings->templates[index].destination;
    for (std::size_t node = 0; node < r.secrets.size(); ++node)
        if (!r.secrets[node].empty())
            memory->remember("template " + destination + " output " + std::to_string(node), r.secrets[node]);
}

asio::awaitable<void> emissary_core::fetch_due(runtime::cycle_context& ctx)
{
    for (auto& [d, s] : deps)
    {
        const auto now = steady_clock::now();
        if (s.watched || s.next_poll > now)
            continue;
        auto src = sources.find(d.source);
        if (src == sources.end())
            continue;
        auto r = co_await fetch_dependency(src->second, d, settings->templates);
        ctx.count("fetches");
        if (r)
        {
            record(d, *r);
            leases.answered(*this, d, *r);
            continue;
        }
        // A failed refresh keeps the last good value. A cancelled one (the cycle's deadline) waits too, so a
        // source that hangs does not start the next cycle at once.
        const bool cancelled = r.error().code == errc::cancelled;
        auto c = cancelled ? fetch_class::transient : classify(r.error().code);
        retry_later(s, c, steady_clock::now());
        if (cancelled)
            co_return;
        s.last_error = hide(r.error());
        auto e = *s.last_error;
        e.message = "source " + describe_for_log(d) + ": " + e.message;
        if (c == fetch_class::permanent)
            ctx.error(e);
        else
            ctx.warning(e);
    }
}

namespace {

write_result as_write_result(const result<write_outcome>& w)
{
    if (!w)
        return write_result::failed;
    return *w == write_outcome::written ? write_result::written : write_result::unchanged;
}

write_result as_compare_result(const result<bool>& w)
{
    if (!w)
        return write_result::failed;
    return *w ? write_result::written : write_result::unchanged;
}

}  // namespace

std::vector<std::size_t> emissary_core::due_templates()
{
    const auto now = steady_clock::now();
    if (full_pass_every.count() > 0 && now - last_full_pass >= full_pass_every)
    {
        std::fill(dirty.begin(), dirty.end(), 1);
        last_full_pass = now;
    }
    // An answer whose readers' renders a cancelled cycle cut short still needs their verdict.
    for (const auto& [d, s] : deps)
        if (!s.judged)
            if (auto r = readers.find(d); r != readers.end())
                for (auto i : r->second)
                    dirty[i] = 1;
    std::vector<std::size_t> due;
    for (std::size_t i = 0; i < dirty.size(); ++i)
        if (dirty[i])
            due.push_back(i);
    return due;
}

asio::awaitable<bool> emissary_core::render_all(runtime::cycle_context& ctx)
{
    std::map<dependency, verdict> verdicts;
    bool changed = false;
    for (auto i : due_templates())
        changed = co_await render_one(i, verdicts, ctx) || changed;
    schedule(verdicts);
    co_return changed;
}

asio::awaitable<bool> emissary_core::render_one(std::size_t i, std::map<dependency, verdict>& verdicts,
                                                runtime::cycle_context& ctx)
{
    static const env_lookup env = [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    const auto& cfg = settings->templates[i];
    // Its values as they are now: one recorded while an earlier template was being written marks it again.
    dirty[i] = 0;
    value_map values;
    for (const auto& d : cfg.ast.dependencies())
        if (auto s = deps.find(d); s != deps.end() && s->second.value)
            values.emplace(d, *s->second.value);
    auto r = render(cfg.ast, values, env);
    remember_substitutions(i, r);
    judge(cfg.ast, r, values, verdicts);
    templates[i].missing = r.missing;
    auto decided = decide_render(r, cfg.label, settings->dry_run);
    if (decided.step == write_step::none)
    {
        templates[i].phase = decided.phase;
        templates[i].error = hide(decided.error);
        count(metric::renders, std::string(decided.outcome));
        if (decided.phase == template_phase::error)
        {
            dirty[i] = 1;  // tried again next cycle
            ctx.error(make_error(errc::bad_request, templates[i].error, {}, cfg.destination));
        }
        co_return false;
    }
    file_target target{cfg.destination,      cfg.perms,     cfg.user,     cfg.group,    cfg.backup,
                       cfg.create_dest_dirs, cfg.dir_perms, cfg.dir_user, cfg.dir_group};
    std::optional<error> failure;
    write_decision done;
    // The file-system calls run on the blocking pool: a slow disk holds this job, not the daemon.
    if (decided.step == write_step::compare)
    {
        result<bool> w = false;
        co_await run_blocking([&] { w = would_change(target, *r.text); });
        done = decide_compare(as_compare_result(w));
        if (!w)
            failure = w.error();
    }
    else
    {
        result<write_outcome> w = write_outcome::unchanged;
        co_await run_blocking([&] { w = write_atomically(target, *r.text); });
        done = decide_write(as_write_result(w));
        if (!w)
            failure = w.error();
    }
    if (failure)
        dirty[i] = 1;
    co_return applied(i, done, failure, ctx);
}

bool emissary_core::applied(std::size_t i, const write_decision& done, const std::optional<error>& failure,
                            runtime::cycle_context& ctx)
{
    const auto& cfg = settings->templates[i];
    auto& st = templates[i];
    const auto now = system_clock::now();
    st.phase = done.phase;
    st.error = failure ? hide(failure->describe()) : "";
    st.would_change = done.would_change;
    count(metric::renders, std::string(done.outcome));
    if (failure && !settings->dry_run)
        ctx.error(hide(*failure));
    if (st.would_change)
        ctx.info("dry run: would write", {{"destination", cfg.destination}});
    if (done.on_disk)
        st.last_render = now;
    if (!done.changed)
        return false;
    st.last_change = now;
    ctx.count("written");
    ctx.info("template written", {{"destination", cfg.destination}});
    return true;
}

asio::awaitable<void> emissary_core::run_the_command(runtime::cycle_context& ctx)
{
    auto r = co_await run_command(settings->command, settings->command_timeout);
    command.at = system_clock::now();
    ++command.runs;
    if (!r)
    {
        command.outcome = command_result::error;
        command.exit_status.reset();
        count(metric::command_runs, "error");
        co_return ctx.error(hide(r.error()));
    }
    command.exit_status = r->exit_status;
    command.outcome = command_result_of(r->timed_out, r->exit_status);
    const std::string outcome(to_string(command.outcome));
    count(metric::command_runs, outcome);
    ctx.info("command output", {{"outcome", outcome},
                                {"exit_status", std::to_string(r->exit_status)},
                                {"output", redact_and_cap(r->output, memory->values(), command_log_bytes,
                                                          r->output.size() < command_capture_bytes)}});
    if (!r->ok())
        ctx.error(make_error(errc::io_error, r->timed_out
                                                 ? "the command timed out; its process group was killed"
                                                 : "the command failed (exit status " +
                                                       std::to_string(r->exit_status) + ")"));
}

asio::awaitable<void> emissary_core::cycle(runtime::cycle_context& ctx)
{
    if (finished)
        co_return ctx.debug("once: every template rendered; nothing more to do");
    co_await leases.tend(*this, ctx);
    co_await fetch_due(ctx);
    co_await leases.persist(*this, ctx);
    bool changed = co_await render_all(ctx);
    const auto now = steady_clock::now();
    if (changed && !settings->command.empty())
        window->window.changed(now);
    if (!window->running && window->window.take(now))
    {
        window->running = true;
        struct release
        {
            shared_command& c;
            ~release() { c.running = false; }
        } guard{*window};
        co_await run_the_command(ctx);
    }
    co_await leases.settle(*this, ctx, window->running || window->window.due().has_value());
    std::size_t waiting = 0;
    for (const auto& t : templates)
        waiting += t.phase == template_phase::waiting ? 1 : 0;
    if (metrics)
        metrics->gauge_set(metric::waiting, {{"job", job}}, static_cast<double>(waiting));
    if (once && all_rendered() && !window->window.due())
    {
        finished = true;
        ctx.info("once: every template rendered; the job is done");
    }
}

std::optional<clock_time> emissary_core::next_due() const
{
    if (polls_changed_)
    {
        polls_changed_ = false;
        earliest_poll_.reset();
        for (const auto& [d, s] : deps)
            if (!s.watched && s.next_poll != never && (!earliest_poll_ || s.next_poll < *earliest_poll_))
                earliest_poll_ = s.next_poll;
    }
    std::optional<clock_time> due = window->window.due();
    if (earliest_poll_ && (!due || *earliest_poll_ < *due))
        due = earliest_poll_;
    if (auto lease = leases.next_due(); lease && (!due || *lease < *due))
        due = lease;
    return due;
}

void emissary_core::force_once()
{
    once = true;
    window = std::make_shared<shared_command>(wait_window{});
}

bool emissary_core::all_rendered() const
{
    return std::all_of(templates.begin(), templates.end(),
                       [](const auto& t) { return t.phase == template_phase::rendered; });
}

json::object emissary_core::status() const
{
    auto when = [](const std::optional<runtime::system_time>& t) -> json::value {
        return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
    };
    json::array list;
    for (std::size_t i = 0; i < templates.size(); ++i)
    {
        const auto& t = templates[i];
        json::array missing;
        for (const auto& m : t.missing)
            missing.emplace_back(m);
        json::object o{{"template", settings->templates[i].label},
                       {"destination", settings->templates[i].destination},
                       {"state", to_string(t.phase)},
                       {"missing", std::move(missing)},
                       {"last_render", when(t.last_render)},
                       {"last_change", when(t.last_change)},
                       {"last_command_exit_status",
                        command.exit_status ? json::value(*command.exit_status) : json::value(nullptr)}};
        if (!t.error.empty())
            o["error"] = hide(t.error);
        if (settings->dry_run)
            o["would_change"] = t.would_change;
        list.push_back(std::move(o));
    }
    json::array errors;
    for (const auto& [d, s] : deps)
        if (s.last_error)
        {
            json::object e{{"source", d.source}, {"path", d.path}, {"error", hide(s.last_error->describe())}};
            if (d.kind == dep_kind::tree || d.kind == dep_kind::secrets)
                e["list"] = d.kind == dep_kind::tree ? "tree" : "secrets";
            errors.push_back(std::move(e));
        }
    return json::object{
        {"templates", std::move(list)},
        {"source_errors", std::move(errors)},
        {"leases", leases.status()},
        {"command",
         json::object{
             {"runs", command.runs},
             {"outcome", command.outcome == command_result::none ? json::value(nullptr)
                                                                 : json::value(to_string(command.outcome))},
             {"exit_status", command.exit_status ? json::value(*command.exit_status) : json::value(nullptr)},
             {"at", when(command.at)},
             {"pending", window->window.due().has_value()}}},
        {"once", once},
        {"finished", finished},
        {"dry_run", settings->dry_run},
        {"vault_checks", vault_checks_status(*this)},
    };
}

}  // namespace vk::emissary
