// vault client KV v2 and v1 operations against a real vault-sim process.
#include "vault/kv.hpp"
#include "vault_env.hpp"

namespace vk::test {
namespace {

namespace json = boost::json;
using namespace vault;

ASYNC_TEST(vault_kv, v2_write_read_versions_and_cas)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    json::object v1{{"user", "alice"}};
    auto w1 = co_await kv2_write(*c, "secret", "app/db", v1);
    EXPECT_TRUE(w1 && w1->version == 1);
    json::object v2{{"user", "bob"}};
    auto w2 = co_await kv2_write(*c, "secret/", "app/db", v2, 1);
    EXPECT_TRUE(w2 && w2->version == 2);
    auto stale = co_await kv2_write(*c, "secret", "app/db", v1, 1);
    EXPECT_TRUE(!stale && stale.error().code == errc::conflict);
    auto latest = co_await kv2_read(*c, "secret", "app/db");
    EXPECT_TRUE(latest && latest->data.at("user") == "bob" && latest->meta.version == 2 && !latest->deleted);
    auto first = co_await kv2_read(*c, "secret", "app/db", 1);
    EXPECT_TRUE(first && first->data.at("user") == "alice");
    auto missing = co_await kv2_read(*c, "secret", "app/nope");
    EXPECT_FALSE(missing);
    if (!missing)
    {
        EXPECT_EQ(missing.error().code, errc::not_found);
        EXPECT_EQ(missing.error().path, "secret/data/app/nope");
        EXPECT_EQ(missing.error().status, 404u);
    }
    auto no_version = co_await kv2_read(*c, "secret", "app/db", 9);
    EXPECT_TRUE(!no_version && no_version.error().code == errc::not_found);
}

ASYNC_TEST(vault_kv, v2_patch_list_and_encoded_paths)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    json::object a{{"a", "1"}, {"b", "2"}};
    EXPECT_TRUE(co_await kv2_write(*c, "secret", "dir/with space?#", a));
    EXPECT_TRUE(co_await kv2_write(*c, "secret", "dir/sub/x", a));
    json::object patch{{"b", "3"}};
    auto p = co_await kv2_patch(*c, "secret", "dir/with space?#", patch);
    EXPECT_TRUE(p && p->version == 2);
    auto r = co_await kv2_read(*c, "secret", "dir/with space?#");
    EXPECT_TRUE(r && r->data.at("a") == "1" && r->data.at("b") == "3");
    auto missing_patch = co_await kv2_patch(*c, "secret", "dir/absent", patch);
    EXPECT_TRUE(!missing_patch && missing_patch.error().code == errc::not_found);
    auto keys = co_await kv2_list(*c, "secret", "dir");
    EXPECT_TRUE(keys && *keys == (std::vector<std::string>{"sub/", "with space?#"}));
    auto empty = co_await kv2_list(*c, "secret", "nothing/here");
    EXPECT_TRUE(empty && empty->empty());
}

ASYNC_TEST(vault_kv, v2_metadata_delete_undelete_destroy)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    json::object v{{"k", "v"}};
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(co_await kv2_write(*c, "secret", "m/s", v));
    kv_metadata_update upd;
    upd.max_versions = 5;
    upd.custom_metadata = std::map<std::string, std::string>{{"owner", "team-a"}};
    EXPECT_TRUE(co_await kv2_write_metadata(*c, "secret", "m/s", upd));
    EXPECT_TRUE(co_await kv2_delete(*c, "secret", "m/s"));  // latest (3)
    // Named vectors: g++ 12 miscompiles initializer lists inside co_await expressions.
    std::vector<std::uint64_t> one{1}, two{2}, three{3}, none;
    EXPECT_TRUE(co_await kv2_delete(*c, "secret", "m/s", one));
    EXPECT_TRUE(co_await kv2_destroy(*c, "secret", "m/s", two));
    auto deleted = co_await kv2_read(*c, "secret", "m/s");
    EXPECT_TRUE(deleted && deleted->deleted && deleted->meta.version == 3 &&
                !deleted->meta.deletion_time.empty());
    auto destroyed = co_await kv2_read(*c, "secret", "m/s", 2);
    EXPECT_TRUE(destroyed && destroyed->deleted && destroyed->meta.destroyed);
    auto meta = co_await kv2_read_metadata(*c, "secret", "m/s");
    EXPECT_TRUE(meta);
    if (meta)
    {
        EXPECT_EQ(meta->current_version, 3u);
        EXPECT_EQ(meta->max_versions, 5u);
        EXPECT_EQ(meta->custom_metadata["owner"], "team-a");
        EXPECT_FALSE(meta->updated_time.empty());
        EXPECT_FALSE(meta->created_time.empty());
        EXPECT_EQ(meta->versions.size(), 3u);
        EXPECT_FALSE(meta->versions[1].deletion_time.empty());
        EXPECT_TRUE(meta->versions[2].destroyed);
    }
    EXPECT_TRUE(co_await kv2_undelete(*c, "secret", "m/s", three));
    auto back = co_await kv2_read(*c, "secret", "m/s");
    EXPECT_TRUE(back && !back->deleted && back->data.at("k") == "v");
    auto empty = co_await kv2_undelete(*c, "secret", "m/s", none);
    EXPECT_TRUE(!empty && empty.error().code == errc::bad_request);
    EXPECT_TRUE(co_await kv2_delete_metadata(*c, "secret", "m/s"));
    auto gone = co_await kv2_read_metadata(*c, "secret", "m/s");
    EXPECT_TRUE(!gone && gone.error().code == errc::not_found);
}

ASYNC_TEST(vault_kv, v1_read_write_list_delete)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    json::object mount_body{{"type", "kv"}, {"options", {{"version", "1"}}}};
    auto mounted = co_await raw(*c, "POST", "sys/mounts/kv1", mount_body);
    EXPECT_EQ(mounted.status, 204u);
    json::object v{{"password", "p"}, {"n", 1}};
    EXPECT_TRUE(co_await kv1_write(*c, "kv1", "app/a", v));
    auto r = co_await kv1_read(*c, "kv1", "app/a");
    EXPECT_TRUE(r && r->at("password") == "p" && r->at("n") == 1);
    auto keys = co_await kv1_list(*c, "kv1", "app/");
    EXPECT_TRUE(keys && *keys == std::vector<std::string>{"a"});
    json::object empty;
    auto bad = co_await kv1_write(*c, "kv1", "app/b", empty);
    EXPECT_TRUE(!bad && bad.error().code == errc::bad_request);
    EXPECT_TRUE(co_await kv1_delete(*c, "kv1", "app/a"));
    auto gone = co_await kv1_read(*c, "kv1", "app/a");
    EXPECT_TRUE(!gone && gone.error().code == errc::not_found);
    EXPECT_TRUE(co_await kv1_delete(*c, "kv1", "app/a"));  // absent: still fine
}

}  // namespace
}  // namespace vk::test
