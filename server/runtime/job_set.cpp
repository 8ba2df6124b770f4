// job_set: spawns each job's run loop and awaits its end when the job is stopped.
#include "runtime/job_set.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"

namespace vk::runtime {
namespace asio = boost::asio;

struct job_set::entry
{
    explicit entry(asio::any_io_executor ex)
        : finished_event(ex, asio::steady_timer::time_point::max())
    {
    }
    std::unique_ptr<job> j;
    bool finished = false;
    asio::steady_timer finished_event;  // cancelled when the run loop returns
};

job_set::job_set(asio::any_io_executor ex, std::vector<job_kind> kinds, job_observer* observer)
    : ex_(std::move(ex)),
      kinds_(std::move(kinds)),
      observer_(observer)
{
}

job_set::~job_set() = default;

vk::kind_parsers job_set::parsers() const
{
    vk::kind_parsers out;
    for (const auto& k : kinds_)
        out.emplace(k.name, k.parse);
    return out;
}

void job_set::start(const vk::job_config& jc, job_services& services)
{
    const job_kind* kind = nullptr;
    for (const auto& k : kinds_)
        if (k.name == jc.kind)
            kind = &k;
    if (!kind)
        throw std::logic_error("job kind " + jc.kind + " passed validation but is not registered");
    auto e = std::make_shared<entry>(ex_);
    auto body = kind->create(jc, services);
    if (!body)
        body = make_unbuilt_body(body.error());
    e->j = std::make_unique<job>(ex_, jc, std::move(*body), observer_);
    if (!initially_active_)
        e->j->set_active(false);  // before the run loop starts: no cycle runs until HA activates it
    jobs_[jc.name] = e;
    log::info("job started", {{"job", jc.name}, {"kind", jc.kind}});
    // The entry (not the job set) keeps the loop's bookkeeping alive until the loop returns.
    asio::co_spawn(ex_, e->j->run(), [e](std::exception_ptr ex) {
        if (ex)
        {
            try
            {
                std::rethrow_exception(ex);
            }
            catch (const std::exception& what)
            {
                log::error("job run loop ended with an exception",
                           {{"job", e->j->name()}, {"error", what.what()}});
            }
        }
        e->finished = true;
        e->finished_event.cancel();
    });
}

asio::awaitable<void> job_set::stop_and_wait(std::string name)
{
    auto it = jobs_.find(name);
    if (it == jobs_.end())
        co_return;
    auto e = it->second;
    e->j->stop();
    while (!e->finished)
        co_await e->finished_event.async_wait(asio::as_tuple(asio::use_awaitable));
    jobs_.erase(name);
    log::info("job stopped", {{"job", name}});
}

asio::awaitable<void> job_set::apply(const vk::config& cfg, job_services& services)
{
    std::vector<std::string> to_stop;
    for (const auto& [name, e] : jobs_)
    {
        const vk::job_config* next = cfg.find_job(name);
        if (!next || next->resolved != e->j->config().resolved)
            to_stop.push_back(name);
    }
    for (const auto& name : to_stop)
        co_await stop_and_wait(name);
    for (const auto& jc : cfg.jobs)
        if (!jobs_.contains(jc.name))
            start(jc, services);
}

asio::awaitable<void> job_set::stop_some(std::vector<std::string> names)
{
    for (const auto& name : names)
        if (auto it = jobs_.find(name); it != jobs_.end())
            it->second->j->stop();  // all at once: they wind down in parallel
    for (const auto& name : names)
        co_await stop_and_wait(name);
}

asio::awaitable<void> job_set::stop_all()
{
    for (auto& [name, e] : jobs_)
        e->j->stop();
    while (!jobs_.empty())
        co_await stop_and_wait(jobs_.begin()->first);
}

job* job_set::find(std::string_view name)
{
    auto it = jobs_.find(name);
    return it == jobs_.end() ? nullptr : it->second->j.get();
}

std::vector<job*> job_set::all()
{
    std::vector<job*> out;
    for (auto& [name, e] : jobs_)
        out.push_back(e->j.get());
    return out;
}

}  // namespace vk::runtime
