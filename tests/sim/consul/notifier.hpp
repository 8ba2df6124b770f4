// Wakes blocking queries: a waiter sleeps on a timer until its deadline, and a write to a key it watches
// cancels that timer. No polling; one scan of the (few) waiters per write.
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_NOTIFIER_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_NOTIFIER_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <list>
#include <string>
#include <string_view>

namespace csim {

class notifier
{
public:
    // Suspends until notify() touches `key` (or, with tree, anything under it) or until deadline.
    // Returns true when woken by a write, false on timeout.
    boost::asio::awaitable<bool> wait(std::string key, bool tree,
                                      std::chrono::steady_clock::time_point deadline);
    // A write to `key` (with tree: to everything under it, as delete-tree does).
    void notify(std::string_view key, bool tree = false);
    void notify_all();
    std::size_t waiting() const { return waiters_.size(); }

private:
    struct waiter
    {
        std::string key;
        bool tree;
        boost::asio::steady_timer* timer;
        bool fired;
    };
    void wake(waiter& w);
    std::list<waiter*> waiters_;
};

}  // namespace csim

#endif
