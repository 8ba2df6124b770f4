// Named instants between two durable or remote effects of init and rekey. Production installs no hook, so
// crash_point() does nothing; the test daemon (tests/support/daemon) installs one that _exits at the point
// named by VK_KEEPER_CRASH_AT, which is how the crash matrix kills the daemon at each instant exactly.
#ifndef VAULTKEEPER_SERVER_KEEPER_CRASH_POINT_HPP
#define VAULTKEEPER_SERVER_KEEPER_CRASH_POINT_HPP

#include <string_view>

namespace vk::keeper {

using crash_hook = void (*)(std::string_view point);

void set_crash_hook(crash_hook hook) noexcept;
void crash_point(std::string_view point);

}  // namespace vk::keeper

#endif
