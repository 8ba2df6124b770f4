// Where a sync cycle's time went: the seconds of each phase (walk, read, diff, copy, save...) in the order
// the phases ran, reported in the job's last_cycle so that an operator sees which phase a slow cycle spent
// on.
#ifndef VAULTKEEPER_SERVER_SYNC_PHASE_TIMES_HPP
#define VAULTKEEPER_SERVER_SYNC_PHASE_TIMES_HPP

#include <boost/json/object.hpp>

#include <chrono>
#include <string_view>

namespace vk::sync {

class phase_times
{
public:
    // Ends the phase that began at the previous lap (or at construction) and names it.
    void lap(std::string_view phase)
    {
        const auto now = clock::now();
        seconds_[phase] = std::chrono::duration<double>(now - mark_).count();
        mark_ = now;
    }
    // Seconds since construction.
    double total() const { return std::chrono::duration<double>(clock::now() - began_).count(); }
    const boost::json::object& seconds() const noexcept { return seconds_; }

private:
    using clock = std::chrono::steady_clock;
    clock::time_point began_ = clock::now();
    clock::time_point mark_ = began_;
    boost::json::object seconds_;
};

}  // namespace vk::sync

#endif
