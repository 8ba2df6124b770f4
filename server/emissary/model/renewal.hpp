// When something with a lifetime (a Vault lease, a certificate) is renewed or replaced: at about two thirds
// of it, as Vault Agent and consul-template do, with jitter so that ten thousand leases issued in one burst
// are not renewed in one burst. Pure; the draw comes from the caller's random source.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_RENEWAL_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_RENEWAL_HPP

#include <chrono>
#include <cmath>

namespace vk::emissary {

// The fraction of a lifetime after which it is renewed: 2/3, less up to a tenth of the lifetime of jitter.
inline constexpr double renewal_fraction = 2.0 / 3.0;
inline constexpr double renewal_jitter = 0.1;

// The delay from the start of a lifetime of `ttl` to its renewal: ttl x (2/3 - 0.1 x draw), draw in [0, 1).
// Never negative; a zero ttl renews at once.
template <class Duration> Duration renewal_delay(Duration ttl, double draw01)
{
    if (ttl <= Duration::zero())
        return Duration::zero();
    const double draw = draw01 < 0 ? 0 : draw01 >= 1 ? 1 : draw01;
    const double ticks = static_cast<double>(ttl.count()) * (renewal_fraction - renewal_jitter * draw);
    return Duration(static_cast<typename Duration::rep>(std::llround(ticks)));
}

}  // namespace vk::emissary

#endif
