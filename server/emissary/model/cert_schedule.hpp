// When a pkiCert certificate is re-issued, and whether one found at a destination is reused: at ~2/3 of its
// validity (notBefore..notAfter, renewal.hpp's jitter). Pure: the clocks' readings are passed in.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_CERT_SCHEDULE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_CERT_SCHEDULE_HPP

#include "emissary/model/policy.hpp"

#include <chrono>

namespace vk::emissary {

using wall_time = std::chrono::system_clock::time_point;

struct cert_validity
{
    wall_time not_before;
    wall_time not_after;
};

// Never re-issue sooner than this after an answer (a certificate Vault issued already expired).
inline constexpr std::chrono::seconds min_reissue_delay{1};

// The wall-clock moment to re-issue: not_before + renewal_delay(notAfter - notBefore, draw). When that is
// already past at `now` (Vault backdates notBefore by 30 s, which outweighs a short ttl), 2/3 of what is left
// instead: now + renewal_delay(notAfter - now, draw). Never sooner than now + min_reissue_delay.
wall_time reissue_at(const cert_validity& v, wall_time now, double draw01);

// The same moment on the steady clock the emissary schedules with.
clock_time reissue_poll(const cert_validity& v, wall_time now, clock_time steady_now, double draw01);

// A certificate found at a destination is reused when `now` is before its earliest renewal point (the
// renewal point with the most jitter), so that no draw would have re-issued it already.
bool reusable(const cert_validity& v, wall_time now);

}  // namespace vk::emissary

#endif
