// The coordinator's record of one running lock coroutine (a job's lock or the member lock), shared by the
// coordinator's files.
#ifndef VAULTKEEPER_SERVER_APP_HA_ENTRY_HPP
#define VAULTKEEPER_SERVER_APP_HA_ENTRY_HPP

#include "app/ha_coordinator.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

namespace vk::app {

struct ha_coordinator::entry
{
    entry(boost::asio::any_io_executor ex, std::unique_ptr<ha_lock> l)
        : lk(std::move(l)),
          finished_event(ex, boost::asio::steady_timer::time_point::max())
    {
    }
    std::unique_ptr<ha_lock> lk;
    boost::asio::cancellation_signal cancel;
    bool cancelled = false;
    bool finished = false;
    bool handing_back = false;                 // released to balance the replicas: never re-activated
    boost::asio::steady_timer finished_event;  // cancelled when the lock coroutine returns
};

}  // namespace vk::app

#endif
