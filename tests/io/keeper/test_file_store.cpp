// The file shard store on a real directory: encrypted at rest, 0600, CAS by content digest, idempotent
// remove, interrupted writes' temp files cleaned, a wrong key or an unusable directory refused at check().
#include "async_test.hpp"
#include "keeper/file_store.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>

namespace fs = std::filesystem;
using namespace vk::keeper;

namespace {

struct store_dir : vk::test::temp_dir
{
    store_dir()
        : vk::test::temp_dir("vk-file-store")
    {
    }
};

file_store_settings settings(const fs::path& dir, char key = 'k')
{
    return {"disk-a", dir.string(), vk::secret(std::string(32, key))};
}

}  // namespace

ASYNC_TEST(file_store, round_trip_encrypted_0600_and_cas)
{
    store_dir d;
    auto store = make_file_store(settings(d.path));
    EXPECT_TRUE(co_await store->check());
    EXPECT_TRUE(store->supports_cas());
    auto v1 = co_await store->put("set-1-shard-0", "the shard", std::string());  // only if absent
    EXPECT_TRUE(v1);
    EXPECT_EQ((co_await store->put("set-1-shard-0", "again", std::string())).error().code,
              vk::errc::conflict);
    auto raw = vk::test::slurp(d.path / "set-1-shard-0");
    EXPECT_EQ(raw.find("the shard"), std::string::npos);
    struct stat st
    {
    };
    ::stat((d.path / "set-1-shard-0").c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto got = co_await store->get("set-1-shard-0");
    EXPECT_TRUE(got && got->data == "the shard" && got->version == *v1);
    auto v2 = co_await store->put("set-1-shard-0", "new", *v1);
    EXPECT_TRUE(v2);
    EXPECT_EQ((co_await store->put("set-1-shard-0", "stale", *v1)).error().code, vk::errc::conflict);
    EXPECT_EQ((co_await store->remove("set-1-shard-0", *v1)).error().code, vk::errc::conflict);
    EXPECT_TRUE(co_await store->remove("set-1-shard-0", *v2));
    EXPECT_TRUE(co_await store->remove("set-1-shard-0", std::nullopt));  // absent is success
    EXPECT_EQ((co_await store->get("set-1-shard-0")).error().code, vk::errc::not_found);
    EXPECT_EQ((co_await store->put("../escape", "x", std::nullopt)).error().code, vk::errc::invalid_argument);
}

ASYNC_TEST(file_store, list_cleans_temp_files_and_renamed_objects_do_not_open)
{
    store_dir d;
    auto store = make_file_store(settings(d.path));
    (void)co_await store->put("set-1-shard-0", "a", std::nullopt);
    (void)co_await store->put("set-1-shard-1", "b", std::nullopt);
    std::ofstream(d.path / ".tmp-set-1-shard-2-1-0") << "half written";
    auto names = co_await store->list();
    EXPECT_TRUE(names);
    EXPECT_EQ(*names, (std::vector<std::string>{"set-1-shard-0", "set-1-shard-1"}));
    EXPECT_FALSE(fs::exists(d.path / ".tmp-set-1-shard-2-1-0"));
    fs::copy_file(d.path / "set-1-shard-0", d.path / "set-1-shard-1", fs::copy_options::overwrite_existing);
    EXPECT_EQ((co_await store->get("set-1-shard-1")).error().code, vk::errc::bad_response);
}

ASYNC_TEST(file_store, check_refuses_a_wrong_key_and_an_unusable_directory)
{
    store_dir d;
    (void)co_await make_file_store(settings(d.path))->put("keeper-state", "{}", std::nullopt);
    auto other_key = co_await make_file_store(settings(d.path, 'x'))->check();
    EXPECT_FALSE(other_key);
    EXPECT_NE(other_key.error().message.find("disk-a"), std::string::npos);
    std::ofstream(d.path / "plain-file") << "x";
    auto not_dir = co_await make_file_store(settings(d.path / "plain-file" / "sub"))->check();
    EXPECT_FALSE(not_dir);
    EXPECT_EQ(not_dir.error().code, vk::errc::io_error);
    auto created = co_await make_file_store(settings(d.path / "new"))->check();
    EXPECT_TRUE(created);
}
