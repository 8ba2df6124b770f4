// The emissary cycle: poll what is due, render in memory, write what changed, run the command once.
#include "emissary/emissary_core.hpp"

#include "core/log.hpp"
#include "core/time.hpp"
#include "emissary/atomic_write.hpp"
#include "emissary/emissary_metrics.hpp"
#include "metrics/registry.hpp"

#include <boost/json/array.hpp>

namespace vk::emissary {
namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

constexpr clock_time never = clock_time::max();

void collect_strings(const json::value& v, std::vector<std::string>& out)
{
    if (v.is_string() && !v.as_string().empty())
        out.emplace_back(v.as_string());
    else if (v.is_object())
        for (const auto& [k, x] : v.as_object())
            collect_strings(x, out);
    else if (v.is_array())
        for (const auto& x : v.as_array())
            collect_strings(x, out);
}

std::string describe_for_log(const dependency& d)
{
    return d.source + " " + d.path;
}

}  // namespace

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
    : job(jc.name),
      timeout(jc.timeout),
      settings(std::static_pointer_cast<const emissary_settings>(jc.settings)),
      config(services.config),
      metrics(services.metrics),
      window(settings->once ? std::make_shared<shared_command>(wait_window{})
                            : shared_command_for(settings->command, settings->wait)),
      once(settings->once)
{
    auto made = make_sources(services.executor, *config, settings->sources);
    if (made)
        sources = std::move(*made);
    else
        setup_error = made.error();
    for (const auto& t : settings->templates)
        for (const auto& d : t.ast.dependencies())
            deps.emplace(d, dep_state{});
    templates.resize(settings->templates.size());
    for (const auto& t : settings->templates)
        remove_stale_temps(t.destination);  // a crash mid-write leaves one, holding part of a secret
}

void emissary_core::count(const metrics::family& f, const std::string& outcome) const
{
    if (metrics)
        metrics->counter_add(f, {{"job", job}, {"outcome", outcome}}, 1);
}

void emissary_core::schedule_retry(dep_state& s, fetch_class c, clock_time now)
{
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    s.next_poll = now + retry_delay(settings->retry, s.attempts++, c, uniform(rng));
}

void emissary_core::record(const dependency& d, const fetched& f, clock_time now)
{
    auto& s = deps[d];
    s.value = f;
    s.last_error.reset();
    if (!select(f, "").has_value())  // absent, empty or the sentinel: poll again soon
        return schedule_retry(s, fetch_class::missing, now);
    s.attempts = 0;
    s.next_poll = settings->refresh.count() > 0 ? now + settings->refresh : never;
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
        auto r = co_await fetch(src->second, d.path);
        ctx.count("fetches");
        if (r)
        {
            record(d, *r, steady_clock::now());
            continue;
        }
        if (r.error().code == errc::cancelled)
            co_return;
        // A failed refresh keeps the last good value.
        auto c = classify(r.error().code);
        s.last_error = r.error();
        schedule_retry(s, c, steady_clock::now());
        auto e = r.error();
        e.message = "source " + describe_for_log(d) + ": " + e.message;
        if (c == fetch_class::permanent)
            ctx.error(e);
        else
            ctx.warning(e);
    }
}

bool emissary_core::render_all(runtime::cycle_context& ctx)
{
    value_map values;
    secrets.clear();  // the current values only, so the list stays as small as the sources
    for (const auto& [d, s] : deps)
        if (s.value)
        {
            values.emplace(d, *s.value);
            if (s.value->present)
                collect_strings(s.value->value, secrets);
        }
    env_lookup env = [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    bool changed = false;
    const auto now_sys = system_clock::now();
    for (std::size_t i = 0; i < templates.size(); ++i)
    {
        const auto& cfg = settings->templates[i];
        auto& st = templates[i];
        auto r = render(cfg.ast, values, env);
        secrets.insert(secrets.end(), r.secrets.begin(), r.secrets.end());
        st.missing = r.missing;
        if (!r.errors.empty() || !r.complete())
        {
            st.state = r.errors.empty() ? "waiting" : "error";
            st.error = r.errors.empty() ? "" : cfg.label + ":" + r.errors.front();
            count(metric::renders, st.state == "error" ? "error" : "waiting");
            if (!r.errors.empty())
                ctx.error(make_error(errc::bad_request, st.error, {}, cfg.destination));
            // A present value whose field is missing is polled again with backoff too.
            for (const auto& d : cfg.ast.dependencies())
                if (auto& s = deps[d]; !s.watched && s.value && s.value->present && s.attempts == 0)
                    schedule_retry(s, fetch_class::missing, steady_clock::now());
            continue;
        }
        file_target target{cfg.destination, cfg.perms, cfg.user, cfg.group, cfg.backup, cfg.create_dest_dirs};
        if (settings->dry_run)
        {
            auto w = would_change(target, *r.text);
            st.state = w ? "rendered" : "error";
            st.error = w ? "" : w.error().describe();
            st.would_change = w && *w;
            count(metric::renders, "dry_run");
            if (st.would_change)
                ctx.info("dry run: would write", {{"destination", cfg.destination}});
            continue;
        }
        auto w = write_atomically(target, *r.text);
        if (!w)
        {
            st.state = "error";
            st.error = w.error().describe();
            count(metric::renders, "error");
            ctx.error(w.error());
            continue;
        }
        st.state = "rendered";
        st.error.clear();
        st.last_render = now_sys;
        if (*w == write_outcome::written)
        {
            st.last_change = now_sys;
            changed = true;
            ctx.count("written");
            ctx.info("template written", {{"destination", cfg.destination}});
        }
        count(metric::renders, *w == write_outcome::written ? "written" : "unchanged");
    }
    std::sort(secrets.begin(), secrets.end());
    secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
    return changed;
}

asio::awaitable<void> emissary_core::run_the_command(runtime::cycle_context& ctx)
{
    auto r = co_await run_command(settings->command, settings->command_timeout);
    command.at = system_clock::now();
    ++command.runs;
    if (!r)
    {
        command.outcome = "error";
        command.exit_status.reset();
        count(metric::command_runs, "error");
        co_return ctx.error(r.error());
    }
    command.exit_status = r->exit_status;
    command.outcome = r->timed_out ? "timeout" : r->ok() ? "ok" : "failed";
    count(metric::command_runs, command.outcome);
    ctx.info("command output", {{"outcome", command.outcome},
                                {"exit_status", std::to_string(r->exit_status)},
                                {"output", redact(r->output, secrets)}});
    if (!r->ok())
        ctx.error(make_error(errc::io_error, r->timed_out
                                                 ? "the command timed out; its process group was killed"
                                                 : "the command failed (exit status " +
                                                       std::to_string(r->exit_status) + ")"));
}

asio::awaitable<void> emissary_core::cycle(runtime::cycle_context& ctx)
{
    if (setup_error)
        co_return ctx.error(*setup_error);
    if (finished)
        co_return ctx.debug("once: every template rendered; nothing more to do");
    co_await fetch_due(ctx);
    bool changed = render_all(ctx);
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
    std::size_t waiting = 0;
    for (const auto& t : templates)
        waiting += t.state == "waiting" ? 1 : 0;
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
    std::optional<clock_time> due = window->window.due();
    for (const auto& [d, s] : deps)
        if (!s.watched && s.next_poll != never && (!due || s.next_poll < *due))
            due = s.next_poll;
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
                       [](const auto& t) { return t.state == "rendered"; });
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
                       {"state", t.state},
                       {"missing", std::move(missing)},
                       {"last_render", when(t.last_render)},
                       {"last_change", when(t.last_change)},
                       {"last_command_exit_status",
                        command.exit_status ? json::value(*command.exit_status) : json::value(nullptr)}};
        if (!t.error.empty())
            o["error"] = t.error;
        if (settings->dry_run)
            o["would_change"] = t.would_change;
        list.push_back(std::move(o));
    }
    json::array errors;
    for (const auto& [d, s] : deps)
        if (s.last_error)
            errors.push_back(
                json::object{{"source", d.source}, {"path", d.path}, {"error", s.last_error->describe()}});
    return json::object{
        {"templates", std::move(list)},
        {"source_errors", std::move(errors)},
        {"command",
         json::object{
             {"runs", command.runs},
             {"outcome", command.outcome.empty() ? json::value(nullptr) : json::value(command.outcome)},
             {"exit_status", command.exit_status ? json::value(*command.exit_status) : json::value(nullptr)},
             {"at", when(command.at)},
             {"pending", window->window.due().has_value()}}},
        {"once", once},
        {"finished", finished},
        {"dry_run", settings->dry_run},
    };
}

}  // namespace vk::emissary
