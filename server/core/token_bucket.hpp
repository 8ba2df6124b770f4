// A token bucket as a pure reservation schedule: each request reserves the next free slot and learns how
// long to wait for it, so concurrent callers queue fairly without a lock or a shared timer.
#ifndef VAULTKEEPER_SERVER_CORE_TOKEN_BUCKET_HPP
#define VAULTKEEPER_SERVER_CORE_TOKEN_BUCKET_HPP

#include <chrono>

namespace vk {

class token_bucket
{
public:
    using clock = std::chrono::steady_clock;

    // `rate` tokens per second (0 = unlimited), at most `burst` (>= 1) saved up while idle.
    token_bucket(double rate, double burst);

    // Takes one token at `now`: how long the caller must wait before sending (zero when a token is there).
    clock::duration reserve(clock::time_point now);

    bool unlimited() const noexcept { return rate_ <= 0; }

private:
    double rate_;
    clock::duration interval_{};     // time per token
    clock::duration burst_span_{};   // burst * interval
    clock::time_point next_free_{};  // when the next token is available (GCRA's theoretical arrival time)
};

}  // namespace vk

#endif
