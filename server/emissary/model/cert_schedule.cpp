// The re-issue point of a certificate (see cert_schedule.hpp).
#include "emissary/model/cert_schedule.hpp"

#include "emissary/model/renewal.hpp"

#include <algorithm>

namespace vk::emissary {

using std::chrono::milliseconds;

namespace {

milliseconds as_ms(wall_time::duration d)
{
    return std::chrono::duration_cast<milliseconds>(d);
}

}  // namespace

wall_time reissue_at(const cert_validity& v, wall_time now, double draw01)
{
    wall_time at = v.not_before + renewal_delay(as_ms(v.not_after - v.not_before), draw01);
    if (at <= now)
        at = now + renewal_delay(as_ms(v.not_after - now), draw01);
    return std::max(at, now + min_reissue_delay);
}

clock_time reissue_poll(const cert_validity& v, wall_time now, clock_time steady_now, double draw01)
{
    return steady_now + std::chrono::duration_cast<clock_time::duration>(reissue_at(v, now, draw01) - now);
}

bool reusable(const cert_validity& v, wall_time now)
{
    const wall_time earliest = v.not_before + renewal_delay(as_ms(v.not_after - v.not_before), 1.0);
    return now >= v.not_before && now < earliest;
}

}  // namespace vk::emissary
