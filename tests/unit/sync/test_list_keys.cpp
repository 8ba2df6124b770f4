// Issue 10, "smaller defects", point 4: LIST answers are untrusted; an empty key or a "."/".." segment is an
// error for that folder (an empty key used to re-list the same folder until the deadline).
#include "sync/model/list_keys.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

TEST(sync_list_keys, names_and_sub_folders_pass)
{
    EXPECT_TRUE(check_list_keys("secret/metadata/app/", {"db", "web/", "a.b", "..x", "x.."}));
    EXPECT_TRUE(check_list_keys("secret/metadata/", {}));
}

TEST(sync_list_keys, an_unusable_key_is_an_error_naming_the_folder)
{
    for (const char* bad : {"", "/", ".", "..", "./", "../", "a//", "a/../", "a/./b", "/a"})
    {
        auto r = check_list_keys("secret/metadata/app/", {"ok", bad});
        ASSERT_FALSE(r) << '"' << bad << '"';
        EXPECT_EQ(r.error().code, vk::errc::bad_response);
        EXPECT_EQ(r.error().path, "secret/metadata/app/");
        const std::string quoted = std::string("\"") + bad + "\"";
        EXPECT_NE(r.error().describe().find(quoted), std::string::npos) << r.error().describe();
    }
}
