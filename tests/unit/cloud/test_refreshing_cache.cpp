// cloud/refreshing_cache without sockets: a cached value is reused, an advisory refresh that fails keeps it,
// a mandatory one fails, and concurrent callers share one fetch.
#include "cloud/refreshing_cache.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace {

namespace asio = boost::asio;
using namespace std::chrono;

struct value
{
    int n = 0;
    std::optional<system_clock::time_point> expiration;
};

struct source
{
    int fetches = 0;
    seconds ttl{3600};
    bool failing = false;

    // Yields once, so that other callers run while the fetch is in flight.
    asio::awaitable<vk::result<value>> fetch()
    {
        ++fetches;
        auto ex = co_await asio::this_coro::executor;
        co_await asio::post(ex, asio::use_awaitable);
        if (failing)
            co_return vk::make_error(vk::errc::server_error, "token endpoint down");
        co_return value{fetches, system_clock::now() + ttl};
    }
};

vk::result<value> get(asio::io_context& ioc, vk::cloud::refreshing_cache<value>& cache, source& s)
{
    std::optional<vk::result<value>> out;
    asio::co_spawn(ioc, cache.get([&s] { return s.fetch(); }),
                   [&](std::exception_ptr e, vk::result<value> r) {
                       ASSERT_FALSE(e);
                       out = std::move(r);
                   });
    ioc.restart();
    ioc.run();
    return *out;
}

vk::cloud::refreshing_cache<value> cache_with(seconds advisory, seconds mandatory)
{
    return {{advisory, mandatory}, "test token", "kept the current test token"};
}

}  // namespace

TEST(refreshing_cache, reuses_a_fresh_value)
{
    asio::io_context ioc;
    source s;
    auto cache = cache_with(seconds(300), seconds(60));
    EXPECT_EQ(get(ioc, cache, s)->n, 1);
    EXPECT_EQ(get(ioc, cache, s)->n, 1);
    EXPECT_EQ(s.fetches, 1);
}

TEST(refreshing_cache, advisory_failure_keeps_the_value_mandatory_failure_is_an_error)
{
    asio::io_context ioc;
    source s;
    s.ttl = seconds(200);  // inside the advisory window at once
    auto cache = cache_with(seconds(300), seconds(100));
    EXPECT_EQ(get(ioc, cache, s)->n, 1);
    EXPECT_EQ(get(ioc, cache, s)->n, 2);  // refreshed
    s.failing = true;
    EXPECT_EQ(get(ioc, cache, s)->n, 2);  // the refresh failed: kept
    EXPECT_EQ(s.fetches, 3);
    EXPECT_EQ(get(ioc, cache, s)->n, 2);  // the next try waits a tenth of the advisory window
    EXPECT_EQ(s.fetches, 3);

    auto strict = cache_with(seconds(300), seconds(250));  // inside the mandatory window at once
    s.failing = false;
    EXPECT_TRUE(get(ioc, strict, s));
    s.failing = true;
    auto r = get(ioc, strict, s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "token endpoint down");
}

TEST(refreshing_cache, concurrent_callers_share_one_fetch)
{
    asio::io_context ioc;
    source s;
    auto cache = cache_with(seconds(300), seconds(60));
    std::vector<int> got;
    for (int i = 0; i < 3; ++i)
        asio::co_spawn(ioc, cache.get([&s] { return s.fetch(); }),
                       [&](std::exception_ptr, vk::result<value> r) { got.push_back(r ? r->n : -1); });
    ioc.run();
    EXPECT_EQ(got, (std::vector<int>{1, 1, 1}));
    EXPECT_EQ(s.fetches, 1);
}
