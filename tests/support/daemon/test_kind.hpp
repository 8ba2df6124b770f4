// The "test" job kind: a cycle that sleeps in N concurrent child coroutines and then succeeds or fails as
// configured. It exists so the runtime (deadlines, halt, trigger, fatal, shutdown) can be tested with a real
// io_context and a real daemon process; only the test build of the daemon (vaultkeeper-test) and the io tests
// know it.
#ifndef VAULTKEEPER_TESTS_SUPPORT_DAEMON_TEST_KIND_HPP
#define VAULTKEEPER_TESTS_SUPPORT_DAEMON_TEST_KIND_HPP

#include <atomic>

#include "runtime/job_kind.hpp"

namespace vk::runtime {

struct test_kind_settings : vk::job_settings
{
    duration sleep{std::chrono::milliseconds(50)};
    int children = 1;
    std::string fail = "none";  // none | error | fatal | throw
    int fail_from_cycle = 1;    // the first cycle that fails
    bool fail_start = false;    // the start-up check fails (fatal)
    bool fail_setup = false;    // the factory refuses to build the body (a client that cannot be made)
};

// Child coroutines of test jobs alive right now, across all test jobs of the process.
extern std::atomic<int> test_kind_live_children;

job_kind make_test_kind();

}  // namespace vk::runtime

#endif
