// The blocking-query loop: Consul's index rules from codec (next_blocking_index), the pause from async/sleep.
#include "consul/watch.hpp"

#include "async/sleep.hpp"

#include <boost/asio/this_coro.hpp>

namespace vk::consul {

namespace asio = boost::asio;

asio::awaitable<void> watch(client& c, std::string key, watch_options o, watch_handlers h)
{
    std::uint64_t index = 0;
    std::optional<std::uint64_t> seen;  // modify index of the last answer (0 = absent)
    for (;;)
    {
        query_options q;
        q.index = index;
        q.wait = o.wait;
        auto r = co_await c.get(key, q);
        auto cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none || h.done())
            co_return;
        if (!r)
        {
            h.failed(r.error());
            co_await sleep_for(o.retry);
            index = 0;
            continue;
        }
        std::uint64_t modify = r->value ? r->value->modify_index : 0;
        if (seen != modify)
            h.changed(r->value, !seen.has_value());
        seen = modify;
        if (h.done())
            co_return;
        index = next_blocking_index(index, r->index);
    }
}

}  // namespace vk::consul
