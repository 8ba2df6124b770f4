// A Vault's request budget: at most `per_second` requests a second on average, with up to a second's worth
// in one burst (a change to many secrets at once reads them as fast as the budget allows, not faster).
// Pure: the caller passes the time and waits until the instant it is given.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_REQUEST_BUDGET_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_REQUEST_BUDGET_HPP

#include "emissary/model/policy.hpp"

namespace vk::emissary {

class request_budget
{
public:
    explicit request_budget(double per_second = 100.0) { set_rate(per_second); }
    // A new rate applies from the next request on.
    void set_rate(double per_second);
    double rate() const { return per_second_; }
    // Reserves one request asked for at `now`: the instant it may be sent (now when the budget has room).
    clock_time take(clock_time now);

private:
    double per_second_ = 100.0;
    clock_time::duration spacing_{};  // 1 / rate
    clock_time next_free_{};          // the instant the bucket is full again minus a burst
};

}  // namespace vk::emissary

#endif
