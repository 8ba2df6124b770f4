// vaultkeeper-test: the daemon as shipped plus the "test" job kind, for the integration tests of the runtime
// (deadlines, halt, trigger, fatal errors, shutdown). The production binary never contains the test kind.
#include "app/cli.hpp"
#include "app/kinds.hpp"
#include "core/test_point.hpp"
#include "test_kind.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// VK_KEEPER_CRASH_AT=<point>: the keeper dies at that instant as a SIGKILL would leave it (no flush, no
// cleanup), so the crash matrix hits every point exactly.
// VK_KEEPER_PAUSE_AT=<point> with VK_KEEPER_PAUSE_DIR=<dir>: at that instant (first time only) the daemon
// creates <dir>/paused and blocks until <dir>/resume exists (at most 60 s), so a test can restart a Vault
// node exactly between two of the keeper's effects.
void keeper_crash_or_pause(std::string_view point)
{
    static const char* wanted = std::getenv("VK_KEEPER_CRASH_AT");
    if (wanted && point == wanted)
    {
        std::fprintf(stderr, "vaultkeeper-test: crash point %s reached\n", wanted);
        std::fflush(stderr);
        ::_exit(86);
    }
    static const char* pause_at = std::getenv("VK_KEEPER_PAUSE_AT");
    static const char* pause_dir = std::getenv("VK_KEEPER_PAUSE_DIR");
    static bool paused_once = false;
    if (pause_at && pause_dir && point == pause_at && !paused_once)
    {
        paused_once = true;
        std::string dir(pause_dir);
        if (auto* f = std::fopen((dir + "/paused").c_str(), "w"))
            std::fclose(f);
        for (int i = 0; i < 600 && ::access((dir + "/resume").c_str(), F_OK) != 0; ++i)
            ::usleep(100'000);
    }
}

// VK_EMISSARY_SLOW_WRITE_MS=<ms>: the emissary pauses that long in the middle of writing a temp file, so a
// test can kill the daemon mid-write and check the destination still holds the old file.
void slow_emissary_write(std::string_view point)
{
    static const char* ms = std::getenv("VK_EMISSARY_SLOW_WRITE_MS");
    if (ms && point == "emissary-write-half")
        ::usleep(static_cast<useconds_t>(std::atol(ms)) * 1000);
}

void at_test_point(std::string_view point)
{
    keeper_crash_or_pause(point);
    slow_emissary_write(point);
}

}  // namespace

int main(int argc, char** argv)
{
    vk::set_test_point_hook(at_test_point);
    auto kinds = vk::app::known_kinds();
    kinds.push_back(vk::runtime::make_test_kind());
    return vk::app::run_cli(argc, argv, std::move(kinds));
}
