// Unit tests of the blocking-query notifier: wake on a watched write, not on others, timeout otherwise.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "notifier.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Runs one wait on a fresh io_context, calling poke() once the waiter is registered.
std::optional<bool> wait_once(csim::notifier& n, std::string key, bool tree,
                              std::chrono::milliseconds timeout, std::function<void()> poke)
{
    asio::io_context io;
    std::optional<bool> result;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    asio::co_spawn(io, n.wait(std::move(key), tree, deadline),
                   [&](std::exception_ptr, bool woke) { result = woke; });
    asio::post(io, poke);
    io.run_for(5s);
    return result;
}

}  // namespace

TEST(consul_notifier, wakes_on_exact_key_write)
{
    csim::notifier n;
    auto r = wait_once(n, "a", false, 3000ms, [&] { n.notify("a"); });
    ASSERT_TRUE(r);
    EXPECT_TRUE(*r);
    EXPECT_EQ(n.waiting(), 0u);
}

TEST(consul_notifier, other_keys_do_not_wake_and_the_wait_times_out)
{
    csim::notifier n;
    auto start = std::chrono::steady_clock::now();
    auto r = wait_once(n, "a", false, 200ms, [&] {
        n.notify("b");
        n.notify("ab");
    });
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

TEST(consul_notifier, prefix_watch_and_tree_delete)
{
    csim::notifier n;
    auto under = wait_once(n, "app/", true, 3000ms, [&] { n.notify("app/x"); });
    ASSERT_TRUE(under);
    EXPECT_TRUE(*under);
    auto tree = wait_once(n, "app/x", false, 3000ms, [&] { n.notify("app/", true); });
    ASSERT_TRUE(tree);
    EXPECT_TRUE(*tree);
}
