// The sync kind's admin actions: approve-deletes (both roles) and the destination's plan.
#include "sync/sync_actions.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <optional>

#include "async/deadline.hpp"
#include "core/time.hpp"
#include "sync/consul_store.hpp"
#include "sync/model/approval.hpp"
#include "sync/model/consul_layout.hpp"
#include "sync/model/cycle_plan.hpp"
#include "sync/model/diff.hpp"
#include "sync/model/write_plan.hpp"

namespace vk::sync {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::array paths_json(const std::vector<task>& tasks, const transform_pack& pack)
{
    json::array out;
    for (const auto& t : tasks)
        out.push_back(json::object{{"path", t.path}, {"to", pack.apply(t.path).path}});
    return out;
}

// Both infos read afresh and aligned, for the plan; nothing cached, nothing written.
struct fresh_infos
{
    sync_info origin;
    std::optional<sync_info> destination;
};

asio::awaitable<result<fresh_infos>> read_fresh(sync_core& core)
{
    const auto& s = *core.settings;
    info_reader o(s.origin_prefix());
    info_reader d(s.destination_prefix());
    auto ro = co_await o.refresh(*core.origin.consul, s.workers);
    if (!ro)
        co_return ro.error();
    if (!ro->present)
        co_return make_error(errc::not_found, "the origin has not published a sync info yet", {},
                             index_key(s.origin_prefix()));
    auto rd = co_await d.refresh(*core.destination.consul, s.workers);
    if (!rd)
        co_return rd.error();
    fresh_infos out{std::move(*o.info()), std::move(d.info())};
    if (auto a = align_destination(out.destination, out.origin.bucket_count()); !a)
        co_return a.error();
    co_return out;
}

}  // namespace

runtime::action_result approve_held(const runtime::action_request& r, approval_gate& gate,
                                    const std::string& job, const char* count_field)
{
    auto plan = parse_approval(r.body);
    if (!plan)
        return plan.error();
    auto accepted = gate.approve(*plan, wall_clock::now());
    if (!accepted)
        return accepted.error();
    r.request_cycle();
    return boost::json::object{{"job", job}, {"plan", accepted->plan}, {count_field, gate.held_count()}};
}

asio::awaitable<runtime::action_result> plan_action(std::shared_ptr<sync_core> core)
{
    auto infos = co_await with_deadline(read_fresh(*core), std::chrono::seconds(30),
                                        "reading the sync infos took over 30 s");
    if (!infos)
        co_return infos.error();
    auto& dest = *infos->destination;
    auto diff = compare(infos->origin, dest);
    if (!diff)
        co_return diff.error();
    const auto& s = *core->settings;
    json::object body{
        {"job", core->job},
        {"add", paths_json(diff->add, s.pack)},
        {"update", paths_json(diff->update, s.pack)},
        {"delete", paths_json(diff->remove, s.pack)},
        {"synced", dest.size()},
        {"ignore_deletes", s.ignore_deletes},
    };
    plan_options po{s.ignore_deletes, s.max_delete_percent, {}};
    auto plan = plan_cycle(std::move(*diff), dest.size(), po);
    body["deletion_guard"] = json::object{{"hold", plan.held_deletes > 0},
                                          {"percent", plan.delete_percent},
                                          {"max_delete_percent", s.max_delete_percent}};
    // The id to approve the held set with: a digest of exactly these deletes.
    body["plan"] = plan.held_deletes ? json::value(plan.delete_plan) : json::value(nullptr);
    co_return body;
}

}  // namespace vk::sync
