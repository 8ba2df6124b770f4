// The kind table: add each new job kind here.
#include "app/kinds.hpp"

#include <cstdlib>
#include <cstring>

#include "runtime/test_kind.hpp"
#include "sync/sync_job.hpp"

namespace vk::app {

std::vector<runtime::job_kind> known_kinds()
{
    std::vector<runtime::job_kind> kinds{sync::make_sync_kind()};
    const char* test = std::getenv("VAULTKEEPER_TEST_KINDS");
    if (test && std::strcmp(test, "1") == 0)
        kinds.push_back(runtime::make_test_kind());
    return kinds;
}

}  // namespace vk::app
