// async/retry.hpp: an attempt runs again only while its error is one to retry, at most the attempts given,
// and the last result comes back as it was (so the caller can tell that the attempts ran out).
#include "async/retry.hpp"
#include "async_test.hpp"

#include <string>
#include <vector>

using namespace vk;
using namespace vk::test;
namespace asio = boost::asio;

namespace {

// An attempt that answers `answers` in turn (the last one again once they are used up), counting its calls.
struct scripted_attempts
{
    std::vector<result<int>> answers;
    int calls = 0;

    asio::awaitable<result<int>> next()
    {
        auto i = std::min<std::size_t>(static_cast<std::size_t>(calls), answers.size() - 1);
        ++calls;
        co_return answers[i];
    }
};

result<int> retry_conflict(std::string why = "version changed")
{
    return make_error(errc::conflict, std::move(why));
}

}  // namespace

ASYNC_TEST(async_retry, a_conflict_is_retried_exactly_the_attempts_given_then_returned)
{
    scripted_attempts s{{retry_conflict()}};
    auto attempt = [&] { return s.next(); };
    auto allow = [](const error&) { return true; };
    auto r = co_await retry_on_conflict(5, attempt, allow);
    EXPECT_EQ(s.calls, 5);
    EXPECT_TRUE(!r && r.error().is(errc::conflict) && r.error().message == "version changed");
}

ASYNC_TEST(async_retry, success_after_conflicts_ends_the_retries)
{
    scripted_attempts s{{retry_conflict(), retry_conflict(), result<int>(7)}};
    auto attempt = [&] { return s.next(); };
    auto allow = [](const error&) { return true; };
    auto r = co_await retry_on_conflict(5, attempt, allow);
    EXPECT_EQ(s.calls, 3);
    EXPECT_TRUE(r && *r == 7);
}

ASYNC_TEST(async_retry, other_errors_and_conflicts_the_caller_refuses_are_not_retried)
{
    scripted_attempts unavailable{{make_error(errc::unavailable, "down"), result<int>(1)}};
    auto attempt = [&] { return unavailable.next(); };
    auto allow = [](const error&) { return true; };
    auto r = co_await retry_on_conflict(5, attempt, allow);
    EXPECT_EQ(unavailable.calls, 1);
    EXPECT_TRUE(!r && r.error().is(errc::unavailable));

    scripted_attempts foreign{{retry_conflict("not ours"), result<int>(1)}};
    auto foreign_attempt = [&] { return foreign.next(); };
    auto not_foreign = [](const error& e) { return e.message != "not ours"; };
    auto f = co_await retry_on_conflict(5, foreign_attempt, not_foreign);
    EXPECT_EQ(foreign.calls, 1);
    EXPECT_TRUE(!f && f.error().message == "not ours");
}

ASYNC_TEST(async_retry, retry_while_retries_what_the_caller_names_and_runs_at_least_once)
{
    scripted_attempts s{
        {make_error(errc::unavailable, "down"), make_error(errc::timeout, "slow"), result<int>(3)}};
    auto attempt = [&] { return s.next(); };
    auto any_failure = [](const error&) { return true; };
    auto r = co_await retry_while(5, attempt, any_failure);
    EXPECT_EQ(s.calls, 3);
    EXPECT_TRUE(r && *r == 3);

    scripted_attempts once{{retry_conflict()}};
    auto attempt_once = [&] { return once.next(); };
    auto none = co_await retry_while(0, attempt_once, any_failure);
    EXPECT_EQ(once.calls, 1);
    EXPECT_FALSE(none);
}
