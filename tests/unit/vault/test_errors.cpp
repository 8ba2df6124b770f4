// vault/errors: status + Vault error text -> errc, error text extraction, path encoding and joining.
#include "vault/errors.hpp"

#include <gtest/gtest.h>

namespace vk::vault {
namespace {

TEST(vault_errors, maps_statuses)
{
    EXPECT_EQ(map_status(404, ""), errc::not_found);
    EXPECT_EQ(map_status(403, "permission denied"), errc::permission_denied);
    EXPECT_EQ(map_status(401, ""), errc::permission_denied);
    EXPECT_EQ(map_status(503, "Vault is sealed"), errc::sealed);
    EXPECT_EQ(map_status(503, "no active Vault instance found"), errc::standby);
    EXPECT_EQ(map_status(503, "node is not active"), errc::standby);
    EXPECT_EQ(map_status(503, "overloaded"), errc::server_error);
    EXPECT_EQ(map_status(429, ""), errc::rate_limited);
    EXPECT_EQ(map_status(400, "check-and-set parameter did not match the current version"), errc::conflict);
    EXPECT_EQ(map_status(400, "no data provided"), errc::bad_request);
    EXPECT_EQ(map_status(405, ""), errc::bad_request);
    EXPECT_EQ(map_status(409, ""), errc::conflict);
    EXPECT_EQ(map_status(413, ""), errc::too_large);
    EXPECT_EQ(map_status(415, ""), errc::bad_request);
    EXPECT_EQ(map_status(500, "internal"), errc::server_error);
    EXPECT_EQ(map_status(502, ""), errc::server_error);
    EXPECT_EQ(map_status(501, ""), errc::uninitialized);
    EXPECT_EQ(map_status(307, ""), errc::standby);
}

TEST(vault_errors, error_text_joins_and_strips_multierror_framing)
{
    EXPECT_EQ(error_text(R"({"errors":["a","b"]})"), "a; b");
    EXPECT_EQ(error_text(R"({"errors":[]})"), "");
    EXPECT_EQ(error_text("{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}"),
              "permission denied");
    EXPECT_EQ(
        error_text(
            "{\"errors\":[\"2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n\"]}"),
        "permission denied; invalid token");
    EXPECT_EQ(error_text("<html>secret stuff</html>"), "");  // non-JSON bodies are never echoed
    EXPECT_EQ(error_text(R"({"data":{}})"), "");
    EXPECT_EQ(error_text(R"({"errors":"nope"})"), "");
}

TEST(vault_errors, reply_error_carries_context)
{
    auto e = reply_error(503, R"({"errors":["Vault is sealed"]})", "http://127.0.0.1:8200", "secret/data/a");
    EXPECT_EQ(e.code, errc::sealed);
    EXPECT_EQ(e.status, 503u);
    EXPECT_EQ(e.path, "secret/data/a");
    EXPECT_EQ(e.endpoint, "http://127.0.0.1:8200");
    EXPECT_EQ(e.message, "vault answered 503: Vault is sealed");
    auto miss = reply_error(404, R"({"errors":[]})", "e", "p");
    EXPECT_EQ(miss.code, errc::not_found);
    EXPECT_EQ(miss.message, "vault answered 404");
}

TEST(vault_errors, invalid_token_is_told_from_policy_denial)
{
    EXPECT_TRUE(is_invalid_token(
        403, "{\"errors\":[\"2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n\"]}"));
    EXPECT_FALSE(
        is_invalid_token(403, "{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}"));
    EXPECT_FALSE(is_invalid_token(400, R"({"errors":["invalid token"]})"));
}

TEST(vault_errors, encodes_each_segment)
{
    EXPECT_EQ(encode_path("a/b/c"), "a/b/c");
    EXPECT_EQ(encode_path("a b/c?d#e"), "a%20b/c%3Fd%23e");
    EXPECT_EQ(encode_path("100%/x+y"), "100%25/x%2By");
    EXPECT_EQ(encode_path("dir/"), "dir/");
    EXPECT_EQ(encode_path("é"), "%C3%A9");
    EXPECT_EQ(encode_path("a-b_c.d~e"), "a-b_c.d~e");
}

TEST(vault_errors, joins_paths_with_single_slashes)
{
    EXPECT_EQ(join_path("secret/", "data", "a/b"), "secret/data/a/b");
    EXPECT_EQ(join_path("/secret", "/data/", "/a/"), "secret/data/a");
    EXPECT_EQ(join_path("kv", "", "x"), "kv/x");
    EXPECT_EQ(join_path("secret", "metadata", ""), "secret/metadata");
}

}  // namespace
}  // namespace vk::vault
