// The shell around check_registry: one dispatcher coroutine per Vault sleeps until the next path is due
// (joins and leaves wake it: the plan moved), takes the budget and starts the check; each check borrows a
// reading member's client and core (kept alive for the request) and tells every reader its answer.
#include "emissary/vault_check_hub.hpp"

#include "async/use_tuple.hpp"
#include "core/log.hpp"
#include "emissary/emissary_core.hpp"
#include "emissary/emissary_metrics.hpp"
#include "metrics/registry.hpp"
#include "sync/model/go_time.hpp"
#include "vault/kv.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace vk::emissary {
namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace {

// Checks under way at once per Vault: a slow Vault (50 ms a request) still keeps a round of 100 a second.
constexpr std::size_t max_in_flight = 8;
// Checks due within this much of each other go out together: at 100 checks a second the daemon wakes four
// times a second, not a hundred times (a wake-up costs about as much CPU as the check it serves). A path is
// checked at most this much before its slot, never after it, and the round stays even at this grain.
constexpr std::chrono::milliseconds check_tick{250};

struct hub_entry
{
    std::string endpoint;
    std::weak_ptr<vault_check_hub> hub;
};

bool current_deleted(const vault::kv_metadata& m)
{
    auto v = m.versions.find(m.current_version);
    if (v == m.versions.end())
        return false;
    if (v->second.destroyed)
        return true;
    if (v->second.deletion_time.empty())
        return false;
    // A deletion_time in the future is delete_version_after's appointment, not a deletion yet.
    auto at = sync::parse_rfc3339_nano(v->second.deletion_time);
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return at.ok && at.instant.seconds <= now;
}

check_answer answer_of(const result<vault::kv_metadata>& m)
{
    if (m)
        return {check_answer::what::seen, version_seen{true, m->current_version, current_deleted(*m)}};
    if (m.error().code == errc::not_found)
        return {check_answer::what::seen, version_seen{}};
    if (m.error().code == errc::permission_denied)
        return {check_answer::what::read_data, {}};
    return {};
}

// Plain functions, not inline in the coroutine: g++ 12 may destroy a braced list of strings in a
// coroutine twice.
void count_check(const emissary_core& core, const std::string& vault)
{
    // A check serves every job reading the path: it carries no job.
    if (core.metrics)
        core.metrics->counter_add(metric::vault_requests, {{"job", ""}, {"vault", vault}, {"kind", "check"}},
                                  1);
}

void log_failure(const emissary_core& core, const std::string& vault, const check_key& key, const error& e)
{
    log::debug("vault version check failed; trying again at the next slot",
               {{"vault", vault}, {"path", key.mount + "/" + key.path}, {"error", core.hide(e.describe())}});
}

asio::awaitable<result<vault::kv_metadata>> read_metadata(source_clients& source, const check_key& key)
{
    if (auto started = co_await ensure_started(source); !started)
        co_return started.error();
    co_return co_await vault::kv2_read_metadata(*source.vault, key.mount, key.path);
}

}  // namespace

std::shared_ptr<vault_check_hub>
vault_check_hub::for_vault(asio::any_io_executor ex, const std::string& vault, const std::string& endpoint)
{
    static std::map<std::string, std::vector<hub_entry>> hubs;  // the io_context's thread only
    auto& list = hubs[vault];
    std::erase_if(list, [](const hub_entry& e) { return e.hub.expired(); });
    for (const auto& e : list)
        if (auto hub = e.hub.lock(); hub && e.endpoint == endpoint)
            return hub;
    auto hub = std::make_shared<vault_check_hub>(std::move(ex), vault);
    list.push_back({endpoint, hub});
    return hub;
}

vault_check_hub::vault_check_hub(asio::any_io_executor ex, std::string vault)
    : vault_(std::move(vault)),
      registry_(steady_clock::now()),
      wake_(std::move(ex), clock_time::max())
{
}

std::uint64_t vault_check_hub::join(const std::vector<check_key>& paths, milliseconds vault_check,
                                    double per_second, member m)
{
    const auto id = registry_.join(paths, vault_check, per_second);
    members_.emplace(id, std::move(m));
    if (!dispatching_)
    {
        dispatching_ = true;
        asio::co_spawn(wake_.get_executor(), dispatch(shared_from_this()), asio::detached);
    }
    wake();
    return id;
}

void vault_check_hub::leave(std::uint64_t id)
{
    registry_.leave(id);
    members_.erase(id);
    wake();
}

asio::awaitable<void> vault_check_hub::dispatch(std::shared_ptr<vault_check_hub> self)
{
    auto& r = self->registry_;
    while (!r.empty())
    {
        const auto now = steady_clock::now();
        std::optional<check_key> key;
        if (self->in_flight_ < max_in_flight)
            key = r.pop_due(now + check_tick);
        if (!key)
        {
            // The next slot, a join or leave, or a check finishing when all were busy.
            self->wake_.expires_at(self->in_flight_ < max_in_flight ? r.next_wake(now) : clock_time::max());
            co_await self->wake_.async_wait(use_tuple);
            continue;
        }
        if (const auto at = r.take(now); at > now)
        {
            self->wake_.expires_at(at);
            co_await self->wake_.async_wait(use_tuple);
        }
        ++self->in_flight_;
        asio::co_spawn(self->wake_.get_executor(), check(self, std::move(*key)), asio::detached);
    }
    self->dispatching_ = false;
}

const vault_check_hub::member* vault_check_hub::sender_for(const check_key& key) const
{
    for (const auto& r : registry_.readers(key))
        if (auto m = members_.find(r.member); m != members_.end())
            return &m->second;
    return nullptr;
}

asio::awaitable<void> vault_check_hub::check(std::shared_ptr<vault_check_hub> self, check_key key)
{
    check_answer answer{check_answer::what::read_data, {}};
    if (auto* sender = self->sender_for(key);
        sender && !self->registry_.falls_back(key.mount, steady_clock::now()))
    {
        auto core = sender->core;  // the request outlives the member if its job ends meanwhile
        count_check(*core, self->vault_);
        auto m = co_await read_metadata(core->sources.at(sender->source), key);
        answer = answer_of(m);
        if (answer.kind == check_answer::what::read_data)
            self->registry_.fall_back(key.mount, steady_clock::now());
        if (answer.kind == check_answer::what::failed)
            log_failure(*core, self->vault_, key, m.error());
    }
    self->tell(key, answer);
    if (self->in_flight_-- == max_in_flight)
        self->wake();
}

void vault_check_hub::tell(const check_key& key, const check_answer& answer)
{
    const auto readers = registry_.readers(key);  // a copy: an answer may end a membership
    for (const auto& r : readers)
        if (auto m = members_.find(r.member); m != members_.end())
            m->second.answer(r.index, answer);
}

}  // namespace vk::emissary
