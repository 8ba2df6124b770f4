// The blocking-query loop: Consul's index rules from codec (next_blocking_index), the pause from async/sleep.
#include "consul/watch.hpp"

#include "async/sleep.hpp"

#include <boost/asio/this_coro.hpp>

namespace vk::consul {

namespace asio = boost::asio;

namespace {

// The blocking-query loop: `query(q)` reads, `fingerprint(answer)` says what changed (compared with the last
// one), `changed(answer, first)` reports it.
template <class Print, class Query, class Fingerprint, class Changed>
asio::awaitable<void> follow(Query query, Fingerprint fingerprint, Changed changed, watch_options o,
                             std::function<void(const error&)> failed, std::function<bool()> done)
{
    std::uint64_t index = 0;
    std::optional<Print> seen;
    for (;;)
    {
        query_options q;
        q.index = index;
        q.wait = o.wait;
        auto r = co_await query(q);
        auto cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none || done())
            co_return;
        if (!r)
        {
            failed(r.error());
            co_await sleep_for(o.retry);
            index = 0;
            if (o.report_after_failure)
                seen.reset();
            continue;
        }
        auto now = fingerprint(r->value);
        if (seen != now)
            changed(r->value, !seen.has_value());
        seen = std::move(now);
        if (done())
            co_return;
        index = next_blocking_index(index, r->index);
    }
}

}  // namespace

asio::awaitable<void> watch(client& c, std::string key, watch_options o, watch_handlers h)
{
    // The modify index of the answer (0 = absent).
    auto fingerprint = [](const std::optional<kv_entry>& v) -> std::uint64_t {
        return v ? v->modify_index : 0;
    };
    co_await follow<std::uint64_t>([&](query_options q) { return c.get(key, q); }, fingerprint, h.changed, o,
                                   h.failed, h.done);
}

asio::awaitable<void> watch_prefix(client& c, std::string prefix, watch_options o, prefix_watch_handlers h)
{
    // Each key with its modify index: a key added, deleted or changed moves it.
    auto fingerprint = [](const std::vector<kv_entry>& entries) {
        std::vector<std::pair<std::string, std::uint64_t>> out;
        for (const auto& e : entries)
            out.emplace_back(e.key, e.modify_index);
        return out;
    };
    co_await follow<std::vector<std::pair<std::string, std::uint64_t>>>(
        [&](query_options q) { return c.get_recurse(prefix, q); }, fingerprint, h.changed, o, h.failed,
        h.done);
}

}  // namespace vk::consul
