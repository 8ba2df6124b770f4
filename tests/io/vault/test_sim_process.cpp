// sim_process: spawning vault-sim on free loopback ports, control calls, and cleanup by PID.
#include "sim_process.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace {

TEST(sim_process, starts_answers_and_stops)
{
    pid_t pid;
    {
        vk::test::sim_process sim("vault-sim", {"--dev-root-token", "root", "--nodes", "2"}, 2);
        pid = sim.pid();
        auto r = sim.call("GET", "/_sim/vault/status");
        EXPECT_EQ(r.status, 200);
        EXPECT_NE(r.body.find("\"nodes\""), std::string::npos);
        auto h = vk::test::http_call(sim.port(1), "GET", "/v1/sys/health");
        EXPECT_EQ(h.status, 429);  // node 1 is a standby
    }
    EXPECT_NE(::kill(pid, 0), 0);  // reaped: the PID no longer exists
}

TEST(sim_process, missing_binary_throws)
{
    EXPECT_THROW(vk::test::sim_process("no-such-sim"), std::runtime_error);
}

}  // namespace
