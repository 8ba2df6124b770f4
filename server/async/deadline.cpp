// The void flavour of with_timeout, kept out of line: it needs no template parameter.
#include "async/deadline.hpp"

namespace vk {
namespace {
boost::asio::awaitable<bool> completed(boost::asio::awaitable<void> op)
{
    co_await std::move(op);
    co_return true;
}
}  // namespace

boost::asio::awaitable<bool> with_timeout(boost::asio::awaitable<void> op,
                                          std::chrono::steady_clock::duration timeout)
{
    auto r = co_await with_timeout(completed(std::move(op)), timeout);
    co_return r.has_value();
}

}  // namespace vk
