// Named instants a test build can act on: between two durable or remote effects of the keeper's init and
// rekey, in the middle of the emissary's temp-file write. Production installs no hook, so test_point() is a
// load and a branch; the test daemon (tests/support/daemon) installs one that kills the process at the
// instant named by VK_KEEPER_CRASH_AT, pauses there (VK_KEEPER_PAUSE_AT) or slows the write
// (VK_EMISSARY_SLOW_WRITE_MS): that is how the crash matrix and the interrupted-write tests hit each instant
// exactly. The one way production code offers itself to tests.
#ifndef VAULTKEEPER_SERVER_CORE_TEST_POINT_HPP
#define VAULTKEEPER_SERVER_CORE_TEST_POINT_HPP

#include <string_view>

namespace vk {

using test_point_hook = void (*)(std::string_view point);

void set_test_point_hook(test_point_hook hook) noexcept;
void test_point(std::string_view point);

}  // namespace vk

#endif
