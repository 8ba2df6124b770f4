// The start-up capacity check against consul-sim: the stored sync info read one key per request and
// re-bucketed into the count the job will use (issue 22).
#include "../consul/consul_helpers.hpp"
#include "sync/consul_store.hpp"
#include "sync/startup_checks.hpp"

namespace {
using namespace vk::sync;
using vk::test::sim_counter;
using vk::test::sim_process;

// `secrets` insights of ~200 bytes each over `buckets` buckets.
sync_info startup_capacity_info(std::size_t buckets, int secrets)
{
    auto info = sync_info::create(buckets).value();
    const std::string pad(120, 'x');
    for (int i = 0; i < secrets; ++i)
        info.put("secret/data/" + pad + std::to_string(i), {1, "2024-01-01T00:00:00Z", "kvV2"});
    return info;
}

}  // namespace

ASYNC_TEST(sync_startup_capacity, stored_info_too_big_for_the_count_names_the_count_needed)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    // Nothing stored: nothing to check.
    auto empty = co_await check_stored_capacity(*c, "vs/origin/", 1);
    EXPECT_TRUE(empty) << (empty ? "" : empty.error().describe());

    auto info = startup_capacity_info(8, 4000);  // ~800 KB: ~100 KB a bucket at 8
    const std::vector<std::string> none;
    auto written = co_await save_info(*c, "vs/origin/", none, info);
    EXPECT_TRUE(written && *written == 9);

    const auto gets = sim_counter(sim, "GET /v1/kv");
    auto fits = co_await check_stored_capacity(*c, "vs/origin/", 0);  // the stored count, 8
    EXPECT_TRUE(fits) << (fits ? "" : fits.error().describe());
    EXPECT_EQ(sim_counter(sim, "GET /v1/kv") - gets, 9) << "the index, then one bucket per request";

    auto too_few = co_await check_stored_capacity(*c, "vs/origin/", 1);
    EXPECT_FALSE(too_few);
    if (!too_few)
    {
        EXPECT_EQ(too_few.error().code, vk::errc::too_large);
        EXPECT_NE(too_few.error().message.find("bucket 0 holds "), std::string::npos)
            << too_few.error().message;
        EXPECT_NE(too_few.error().message.find("buckets: 3 needed (now 1)"), std::string::npos)
            << too_few.error().message;
    }
    auto enough = co_await check_stored_capacity(*c, "vs/origin/", 3);
    EXPECT_TRUE(enough) << (enough ? "" : enough.error().describe());
}
