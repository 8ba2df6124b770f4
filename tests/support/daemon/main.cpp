// vaultkeeper-test: the daemon as shipped plus the "test" job kind, for the integration tests of the runtime
// (deadlines, halt, trigger, fatal errors, shutdown). The production binary never contains the test kind.
#include "app/cli.hpp"
#include "app/kinds.hpp"
#include "emissary/atomic_write.hpp"
#include "test_kind.hpp"

#include <unistd.h>

#include <cstdlib>

namespace {

// VK_EMISSARY_SLOW_WRITE_MS=<ms>: the emissary pauses that long in the middle of writing a temp file, so a
// test can kill the daemon mid-write and check the destination still holds the old file.
void slow_emissary_writes()
{
    if (const char* ms = std::getenv("VK_EMISSARY_SLOW_WRITE_MS"))
    {
        const long pause = std::atol(ms);
        vk::emissary::set_write_pause_hook([pause] { ::usleep(static_cast<useconds_t>(pause) * 1000); });
    }
}

}  // namespace

int main(int argc, char** argv)
{
    slow_emissary_writes();
    auto kinds = vk::app::known_kinds();
    kinds.push_back(vk::runtime::make_test_kind());
    return vk::app::run_cli(argc, argv, std::move(kinds));
}
