// Issue 20: one map from an upstream HTTP status to errc, shared by the Vault, Consul, object-store and
// Kubernetes clients, and the places where a service differs.
#include "core/upstream_status.hpp"

#include <gtest/gtest.h>

#include <utility>

using vk::errc;

TEST(upstream_status, the_common_map)
{
    const std::pair<unsigned, errc> table[] = {
        {401, errc::permission_denied}, {403, errc::permission_denied}, {404, errc::not_found},
        {409, errc::conflict},          {412, errc::conflict},          {413, errc::too_large},
        {429, errc::rate_limited},      {400, errc::bad_request},       {422, errc::bad_request},
        {500, errc::server_error},      {503, errc::server_error},      {599, errc::server_error},
    };
    for (auto [status, code] : table)
        EXPECT_EQ(vk::upstream_errc(status), code) << status;
}
