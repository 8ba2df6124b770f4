// A flag one thread raises and another waits for (bounded): how the io tests prove that the io thread ran
// other work while a pool thread was blocked.
#ifndef VAULTKEEPER_TESTS_IO_FLAG_WAIT_HPP
#define VAULTKEEPER_TESTS_IO_FLAG_WAIT_HPP

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <thread>

namespace vk::test {

// A coroutine to spawn on the io thread: it raises the flag when the io thread gets to run it.
inline boost::asio::awaitable<void> raise_flag(std::atomic<bool>& flag)
{
    flag = true;
    co_return;
}

// Waits up to 5 s for the flag (from a thread other than the one that raises it); whether it came up.
inline bool waited_for(const std::atomic<bool>& flag)
{
    using namespace std::chrono_literals;
    for (int i = 0; i < 5000 && !flag; ++i)
        std::this_thread::sleep_for(1ms);
    return flag;
}

}  // namespace vk::test

#endif
