// Issue 15, "SIGHUP must pick up rotated secret files": reloads compare the resolved configuration (secret
// files, environment variables, TLS files behind unchanged paths), and a shared block's change reaches only
// the jobs that use it (every job for the ha block).
#include "core/config.hpp"
#include "core/config_reload.hpp"

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

namespace {

const vk::kind_parsers reload_kinds = {
    {"demo",
     [](vk::object_reader& r, const vk::config&) -> std::shared_ptr<const vk::job_settings> {
         r.string("vault");
         r.string("consul");
         r.secret_value("key");
         return std::make_shared<vk::job_settings>();
     }},
};

struct temp_dir
{
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("vk_reload_test_" + std::to_string(::getpid()));
    temp_dir() { std::filesystem::create_directories(path); }
    ~temp_dir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const
    {
        std::ofstream(path / name) << text;
        std::filesystem::permissions(path / name, std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_write);
        return (path / name).string();
    }
};

vk::config load(const temp_dir& d)
{
    std::string text = R"({"admin": {"token": "0123456789abcdef"},
        "vaults": {"a": {"address": "https://a:8200", "token": {"file": ")" +
                       (d.path / "token").string() + R"("},
                         "tls": {"ca_file": ")" +
                       (d.path / "ca.pem").string() + R"("}},
                   "b": {"address": "https://b:8200", "token": "inline-token"}},
        "consuls": {"c": {"address": "http://c:8500"}, "lockc": {"address": "http://l:8500"}},
        "ha": {"consul": "lockc", "key": "vk/locks"},
        "jobs": [{"name": "uses-a", "kind": "demo", "vault": "a", "consul": "c"},
                 {"name": "uses-b", "kind": "demo", "vault": "b"},
                 {"name": "keyed", "kind": "demo", "key": {"file": ")" +
                       (d.path / "key").string() + R"("}}]})";
    auto r = vk::parse_config(text, "cfg.json", reload_kinds);
    if (!r)
        throw std::runtime_error(r.error().render());
    return std::move(*r);
}

struct reload_test : ::testing::Test
{
    temp_dir dir;
    void SetUp() override
    {
        dir.write("token", "token-one\n");
        dir.write("ca.pem", "CA ONE");
        dir.write("key", "0123456789abcdef-one");
    }
};

TEST_F(reload_test, nothing_changed_restarts_nothing)
{
    auto old = load(dir);
    auto next = load(dir);
    EXPECT_TRUE(vk::jobs_hit_by_shared_changes(old, next).empty());
    EXPECT_EQ(old.resolved, next.resolved);
}

TEST_F(reload_test, a_rotated_token_file_restarts_only_the_jobs_of_that_vault)
{
    auto old = load(dir);
    dir.write("token", "token-two\n");
    auto next = load(dir);
    EXPECT_EQ(old.raw, next.raw);  // the raw JSON did not change: comparing it would miss the rotation
    EXPECT_EQ(vk::jobs_hit_by_shared_changes(old, next), std::vector<std::string>{"uses-a"});
}

TEST_F(reload_test, a_rotated_certificate_behind_the_same_path_is_a_change)
{
    auto old = load(dir);
    dir.write("ca.pem", "CA TWO");
    auto next = load(dir);
    EXPECT_EQ(vk::jobs_hit_by_shared_changes(old, next), std::vector<std::string>{"uses-a"});
}

TEST_F(reload_test, a_rotated_job_secret_changes_that_job_only)
{
    auto old = load(dir);
    dir.write("key", "0123456789abcdef-two");
    auto next = load(dir);
    EXPECT_TRUE(vk::jobs_hit_by_shared_changes(old, next).empty());
    EXPECT_NE(old.jobs[2].resolved, next.jobs[2].resolved);
    EXPECT_EQ(old.jobs[0].resolved, next.jobs[0].resolved);
}

TEST_F(reload_test, an_environment_secret_is_compared_by_value)
{
    ::setenv("VK_RELOAD_TEST", "one", 1);
    auto a = vk::resolved_view(boost::json::parse(R"({"t": {"env": "VK_RELOAD_TEST"}})"));
    ::setenv("VK_RELOAD_TEST", "two", 1);
    auto b = vk::resolved_view(boost::json::parse(R"({"t": {"env": "VK_RELOAD_TEST"}})"));
    ::unsetenv("VK_RELOAD_TEST");
    EXPECT_NE(a, b);
}

TEST_F(reload_test, a_rotated_auth_jwt_is_no_change_it_is_read_at_each_login)
{
    auto file = dir.write("jwt", "first.jwt.sig");
    auto view = [&] {
        return vk::resolved_view(boost::json::parse(R"({"auth": {"method": "jwt", "token_file": ")" + file +
                                                    R"(", "jwt_file": ")" + file + R"("}})"));
    };
    auto before = view();
    dir.write("jwt", "second.jwt.sig");
    EXPECT_EQ(before, view());
}

TEST_F(reload_test, the_ha_consul_changing_restarts_every_job)
{
    auto old = load(dir);
    auto next = load(dir);
    next.resolved.as_object()["consuls"].as_object()["lockc"].as_object()["datacenter"] = "dc2";
    EXPECT_EQ(vk::jobs_hit_by_shared_changes(old, next).size(), 3u);
}

TEST_F(reload_test, a_consul_going_away_restarts_its_jobs)
{
    auto old = load(dir);
    auto next = load(dir);
    next.resolved.as_object()["consuls"].as_object().erase("c");
    EXPECT_EQ(vk::jobs_hit_by_shared_changes(old, next), std::vector<std::string>{"uses-a"});
}

TEST_F(reload_test, a_renewed_admin_certificate_behind_the_same_files_is_a_rotation)
{
    auto with_tls = [&](const std::string& cert) {
        std::string text = R"({"admin": {"token": "0123456789abcdef", "tls": {"cert_file": ")" + cert +
                           R"(", "key_file": ")" + (dir.path / "admin.key").string() + R"("}}})";
        auto r = vk::parse_config(text, "cfg.json", reload_kinds);
        if (!r)
            throw std::runtime_error(r.error().render());
        return std::move(*r);
    };
    auto cert = dir.write("admin.crt", "CERT ONE");
    dir.write("admin.key", "KEY ONE");
    auto old = with_tls(cert);
    EXPECT_FALSE(vk::admin_tls_rotated(old, with_tls(cert)));
    dir.write("admin.crt", "CERT TWO");
    EXPECT_TRUE(vk::admin_tls_rotated(old, with_tls(cert)));
    // Other files are not a rotation (they need a restart); no TLS at all is never one.
    EXPECT_FALSE(vk::admin_tls_rotated(old, with_tls(dir.write("other.crt", "CERT THREE"))));
    EXPECT_FALSE(vk::admin_tls_rotated(load(dir), load(dir)));
}

}  // namespace
