// The sync info in consul-sim: minimal writes (index last), cached refreshes that read only changed buckets,
// and torn reads detected and re-read.
#include "../consul/consul_helpers.hpp"
#include "sync/consul_store.hpp"
#include "sync/model/bucket_json.hpp"
#include "sync/model/consul_layout.hpp"

namespace {
using namespace vk::sync;
using vk::test::sim_counter;
using vk::test::sim_process;

insight v2(std::int64_t v)
{
    return {v, "2024-01-01T00:00:00Z", "kvV2"};
}

sync_info make(std::size_t buckets, int secrets, std::int64_t version = 1)
{
    auto info = sync_info::create(buckets).value();
    for (int i = 0; i < secrets; ++i)
        info.put("secret/data/p" + std::to_string(i), v2(version));
    return info;
}

ASYNC_TEST(sync_consul_store, save_then_refresh_reads_the_same_info)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto info = make(8, 100);
    const std::vector<std::string> none;
    auto written = co_await save_info(*c, "vs/origin/", none, info);
    EXPECT_TRUE(written && *written == 9) << (written ? "" : written.error().describe());

    info_reader r("vs/origin/");
    auto st = co_await r.refresh(*c, 4);
    EXPECT_TRUE(st && st->present && st->changed);
    EXPECT_TRUE(r.info() && r.info()->size() == 100 && r.info()->index() == info.index());

    // Nothing changed: a second save writes nothing, a refresh reads the index only.
    auto again = co_await save_info(*c, "vs/origin/", info.index(), info);
    EXPECT_TRUE(again && *again == 0);
    auto gets_before = sim_counter(sim, "GET /v1/kv");
    auto st2 = co_await r.refresh(*c, 4);
    EXPECT_TRUE(st2 && st2->present && !st2->changed);
    EXPECT_EQ(sim_counter(sim, "GET /v1/kv") - gets_before, 1);
}

ASYNC_TEST(sync_consul_store, refresh_reads_only_the_changed_buckets)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto info = make(16, 200);
    const std::vector<std::string> none;
    co_await save_info(*c, "vs/origin/", none, info);
    info_reader r("vs/origin/");
    co_await r.refresh(*c, 4);

    auto previous = info.index();
    info.put("secret/data/p7", v2(2));  // one bucket changes
    auto written = co_await save_info(*c, "vs/origin/", previous, info);
    EXPECT_TRUE(written && *written == 2) << "one bucket and the index";
    auto gets_before = sim_counter(sim, "GET /v1/kv");
    auto st = co_await r.refresh(*c, 4);
    EXPECT_TRUE(st && st->changed);
    EXPECT_EQ(sim_counter(sim, "GET /v1/kv") - gets_before, 2) << "the index and the one changed bucket";
    const auto got = r.info() ? r.info()->find("secret/data/p7") : std::nullopt;
    EXPECT_TRUE(got && got->version == 2);
}

ASYNC_TEST(sync_consul_store, a_persistent_tear_is_a_conflict_not_a_silent_read)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto info = make(4, 40);
    const std::vector<std::string> none;
    co_await save_info(*c, "vs/origin/", none, info);
    // A bucket rewritten without its index: what a reader sees between a writer's transactions.
    auto changed = make(4, 40, 9);
    co_await c->put(bucket_key("vs/origin/", 0), encode_bucket(changed.bucket_at(0)));
    info_reader r("vs/origin/");
    auto st = co_await r.refresh(*c, 4);
    EXPECT_FALSE(st);
    EXPECT_TRUE(!st && st.error().code == vk::errc::conflict)
        << (st ? "read a torn info" : st.error().describe());
}

}  // namespace

namespace {

// Values long enough that 64 buckets of them are far bigger than the client may take in one answer.
sync_info make_wide(std::size_t buckets, int secrets)
{
    auto info = sync_info::create(buckets).value();
    for (int i = 0; i < secrets; ++i)
        info.put("secret/data/team-" + std::to_string(i % 37) + "/service/" + std::string(60, 'x') +
                     std::to_string(i),
                 v2(i + 1));
    return info;
}

}  // namespace

// Issue 22: a destination must read the origin's info bucket by bucket, never the whole prefix in one
// answer: with the client's body limit below the prefix's size (where a recursive GET fails), the reader and
// the origin's own load still get every secret.
ASYNC_TEST(sync_consul_store, the_info_is_read_key_by_key_never_as_one_fleet_sized_answer)
{
    sim_process sim("consul-sim");
    vk::consul::client_options small;
    small.max_response_body = 64 * 1024;
    auto writer = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim), small);
    auto info = make_wide(64, 3000);
    const std::vector<std::string> none;
    auto written = co_await save_info(*writer, "vs/origin/", none, info);
    EXPECT_TRUE(written) << (written ? "" : written.error().describe());

    auto whole = co_await c->get_recurse("vs/origin/");
    EXPECT_FALSE(whole) << "the limit must be below the prefix's size for this test to mean anything";
    EXPECT_TRUE(!whole && whole.error().code == vk::errc::too_large);

    info_reader r("vs/origin/");
    auto st = co_await r.refresh(*c, 4);
    EXPECT_TRUE(st && st->present) << (st ? "" : st.error().describe());
    EXPECT_TRUE(r.info() && r.info()->size() == 3000 && r.info()->index() == info.index());

    auto published = co_await load_published(*c, "vs/origin/", 64);
    EXPECT_TRUE(published && published->info && published->info->size() == 3000)
        << (published ? "" : published.error().describe());
    EXPECT_TRUE(published && published->torn.empty());
}
