// The emissary kind's config keys: defaults, and every mistake at its JSON pointer (template errors name
// file:line:column).
#include "emissary/model/settings.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include "../config_problems.hpp"

namespace {

const vk::kind_parsers emissary_kinds = {{"emissary", vk::emissary::parse_settings}};

std::string doc(const std::string& job)
{
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"primary": {"address": "http://127.0.0.1:1", "token": "t"}},
               "consuls": {"c": {"address": "http://127.0.0.1:3"}},
               "jobs": [)" +
           job + "]}";
}

std::vector<std::string> emissary_problems(const std::string& job)
{
    return vk::test::config_problems_of(doc(job), emissary_kinds, "/etc/vk/cfg.json");
}

bool has_problem(const std::vector<std::string>& ps, const std::string& needle)
{
    return std::any_of(ps.begin(), ps.end(), [&](const std::string& p) { return p == needle; });
}

const std::string sources =
    R"("sources": {"v": {"type": "vault", "vault": "primary"}, "kv": {"type": "consul", "consul": "c"},
    "f": {"type": "file", "root": "/etc/seed"}, "e": {"type": "env"}, "h": {"type": "http", "base_url": "http://127.0.0.1:1/x/"}})";

}  // namespace

TEST(emissary_settings, defaults_and_full_example)
{
    auto r = vk::parse_config(doc(R"({"name": "web", "kind": "emissary", )" + sources + R"(,
        "templates": [{"contents": "{{ secret \"v\" \"secret/tls\" \"pem\" }}", "destination": "/tmp/x.pem",
                       "perms": "0640", "backup": true}],
        "command": ["systemctl", "reload", "nginx"], "command_timeout": "10s",
        "wait": {"min": "2s", "max": "10s"}, "retry": {"initial": "1s", "max": "1m"}, "refresh": "5m",
        "once": true, "dry_run": true})"),
                              "cfg.json", emissary_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::emissary::emissary_settings&>(*r->jobs.at(0).settings);
    EXPECT_EQ(s.sources.size(), 5u);
    EXPECT_EQ(s.sources.at("v").kv_version, 2);
    ASSERT_EQ(s.templates.size(), 1u);
    EXPECT_EQ(s.templates[0].perms, 0640u);
    EXPECT_EQ(s.templates[0].label, "web#0");
    EXPECT_TRUE(s.templates[0].backup);
    EXPECT_EQ(s.command, (std::vector<std::string>{"systemctl", "reload", "nginx"}));
    EXPECT_EQ(s.command_timeout, std::chrono::seconds(10));
    EXPECT_EQ(s.wait.max, std::chrono::seconds(10));
    EXPECT_TRUE(s.once);
    EXPECT_TRUE(s.dry_run);
}

TEST(emissary_settings, every_mistake_at_its_pointer)
{
    auto ps = emissary_problems(R"({"name": "web", "kind": "emissary",
        "sources": {"v": {"type": "vault", "vault": "nope"}, "x": {"type": "ftp"}, "f": {"type": "file"},
                    "h": {"type": "http", "base_url": "ftp://x", "root": "/"}},
        "templates": [{"contents": "{{ secret \"zz\" \"a\" }}", "destination": "rel", "perms": "999"},
                      {"contents": "a\n {{ nope }}", "destination": "/x"},
                      {"contents": "{{ secret \"f\" \"../etc/shadow\" }}", "destination": "/y", "extra": 1},
                      {"destination": "/z"}],
        "command": "reload it", "wait": {"min": "5s", "max": "1s"}, "retry": {"initial": "0s"}})");
    EXPECT_TRUE(has_problem(ps, "/jobs/0/sources/v/vault: no vault named \"nope\" in /vaults"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/sources/f/root: missing required field (a string)"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/sources/h/base_url: must start with http:// or https://"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/sources/h/root: only a file source has this setting"));
    EXPECT_TRUE(
        has_problem(ps, "/jobs/0/templates/0/contents: web#0:1:4: no source named \"zz\" in sources"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/0/destination: must be an absolute path"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/0/perms: must be an octal mode like \"0600\""));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/1/contents: web#1:2:5: unknown function \"nope\""));
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/templates/2/contents: web#2:1:4: a file path must be relative to the source's root, "
            "without \"..\""));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/2/extra: unknown key"));
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/templates/3: exactly one of \"source\" (a template file) or \"contents\" (inline) is "
            "required"));
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/command: a command string runs through sh -c only with \"shell\": true; or give an argv "
            "array"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/wait/max: must not be shorter than min"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/retry/initial: must be positive"));
}

TEST(emissary_settings, list_functions_need_their_source_type)
{
    auto ps = emissary_problems(R"({"name": "web", "kind": "emissary",
        "sources": {"f": {"type": "file", "root": "/srv"}},
        "templates": [{"contents": "{{ range ls \"f\" \"a/\" }}{{ end }}", "destination": "/x"},
                      {"contents": "\n  {{ range secrets \"f\" \"a/\" }}{{ end }}", "destination": "/y"}]})");
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/templates/0/contents: web#0:1:10: ls, tree, safeLs and safeTree need a consul source"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/1/contents: web#1:2:12: secrets needs a vault source"));
    auto vault = emissary_problems(R"({"name": "web", "kind": "emissary",
        "sources": {"v": {"type": "vault", "vault": "primary"}},
        "templates": [{"contents": "{{ range secrets \"v\" \"\" }}{{ end }}", "destination": "/x"}]})");
    EXPECT_TRUE(has_problem(vault,
                            "/jobs/0/templates/0/contents: web#0:1:10: secrets: the folder must not be empty "
                            "(its first segment is the mount; or set the source's mount)"));
}

TEST(emissary_settings, pki_cert_needs_a_vault_source_and_names_a_bad_argument)
{
    auto ps = emissary_problems(R"({"name": "web", "kind": "emissary",
        "sources": {"f": {"type": "file", "root": "/srv"}, "v": {"type": "vault", "vault": "primary"}},
        "templates": [{"contents": "{{ with pkiCert \"f\" \"pki/issue/web\" }}{{ end }}", "destination": "/x"},
                      {"contents": "{{ with pkiCert \"v\" \"pki/issue/web\" \"ttl\" }}{{ end }}",
                       "destination": "/y"},
                      {"contents": "{{ with pkiCert \"v\" \"pki/issue/web\" \"ttl=1h\" }}{{ .Cert }}{{ end }}",
                       "destination": "/z"}]})");
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/0/contents: web#0:1:9: pkiCert needs a vault source"));
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/templates/1/contents: web#1:1:37: pkiCert: argument 3 must be \"key=value\" with a "
            "non-empty key"));
    EXPECT_EQ(ps.size(), 2u);
}

TEST(emissary_settings, created_directories_mode_and_owner)
{
    auto r = vk::parse_config(doc(R"({"name": "web", "kind": "emissary", )" + sources + R"(,
        "templates": [{"contents": "x", "destination": "/tmp/a/x"},
                      {"contents": "y", "destination": "/tmp/b/y", "dir_perms": "0750", "dir_user": "nginx",
                       "dir_group": "33"}]})"),
                              "cfg.json", emissary_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::emissary::emissary_settings&>(*r->jobs.at(0).settings);
    EXPECT_EQ(s.templates[0].dir_perms, 0755u);  // not the daemon's umask
    EXPECT_EQ(s.templates[0].dir_user, "");
    EXPECT_EQ(s.templates[1].dir_perms, 0750u);
    EXPECT_EQ(s.templates[1].dir_user, "nginx");
    EXPECT_EQ(s.templates[1].dir_group, "33");

    auto ps = emissary_problems(R"({"name": "web", "kind": "emissary", )" + sources + R"(,
        "templates": [{"contents": "x", "destination": "/a/x", "dir_perms": "rwx", "dir_user": ""},
                      {"contents": "x", "destination": "/b/x", "dir_perms": "0644", "dir_group": 7},
                      {"contents": "x", "destination": "/c/x", "create_dest_dirs": false, "dir_perms": "0755",
                       "dir_user": "nginx"}]})");
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/0/dir_perms: must be an octal mode like \"0755\""));
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/templates/0/dir_user: must not be empty: a name or a numeric id (leave it out "
            "to keep the daemon's)"));
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/templates/1/dir_perms: must let the owner enter the directory (the 0100 bit, as "
            "in \"0755\")"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/1/dir_group: expected a string"));
    EXPECT_TRUE(
        has_problem(ps, "/jobs/0/templates/2/dir_perms: applies only to directories that create_dest_dirs "
                        "creates, and it is false"));
    EXPECT_TRUE(has_problem(ps,
                            "/jobs/0/templates/2/dir_user: applies only to directories that create_dest_dirs "
                            "creates, and it is false"));
}

TEST(emissary_settings, template_file_relative_to_the_config_and_its_parse_error)
{
    auto dir =
        std::filesystem::temp_directory_path() / ("vk-emissary-settings-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "bad.tmpl") << "ok\nok {{ secret \"kv\" }}\n";
    auto r = vk::parse_config(doc(R"({"name": "j", "kind": "emissary", )" + sources + R"(,
        "templates": [{"source": "bad.tmpl", "destination": "/tmp/o"}, {"source": "absent.tmpl", "destination": "/tmp/p"}]})"),
                              (dir / "cfg.json").string(), emissary_kinds);
    ASSERT_FALSE(r);
    std::vector<std::string> ps;
    for (const auto& p : r.error().problems)
        ps.push_back(p.pointer + ": " + p.message);
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/templates/0/source: bad.tmpl:2:19: secret: argument 2 must be a string literal"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/1/source: cannot read the template file"));
    std::filesystem::remove_all(dir);
}

TEST(emissary_settings, perms_and_paths)
{
    using vk::emissary::parse_perms;
    EXPECT_EQ(parse_perms("0600"), 0600u);
    EXPECT_EQ(parse_perms("644"), 0644u);
    EXPECT_EQ(parse_perms("0o400"), 0400u);
    EXPECT_FALSE(parse_perms("0800"));
    EXPECT_FALSE(parse_perms(""));
    EXPECT_TRUE(vk::emissary::safe_relative_path("a/b.txt"));
    EXPECT_FALSE(vk::emissary::safe_relative_path("/a"));
    EXPECT_FALSE(vk::emissary::safe_relative_path("a/../b"));
    EXPECT_FALSE(vk::emissary::safe_relative_path("a//b"));
}

// A template file is read through the inputs handed to the parser (relative to the config's directory).
TEST(emissary_settings, template_file_comes_from_the_inputs)
{
    auto inputs =
        vk::test::table_inputs({{"/etc/vk/app.tmpl", "port={{ secret \"kv\" \"app/port\" }}\n"}}, {});
    auto r = vk::parse_config(doc(R"({"name": "j", "kind": "emissary", )" + sources + R"(,
        "templates": [{"source": "app.tmpl", "destination": "/tmp/o"}]})"),
                              "/etc/vk/cfg.json", emissary_kinds, inputs);
    ASSERT_TRUE(r) << r.error().render();
    auto missing = vk::parse_config(doc(R"({"name": "j", "kind": "emissary", )" + sources + R"(,
        "templates": [{"source": "other.tmpl", "destination": "/tmp/o"}]})"),
                                    "/etc/vk/cfg.json", emissary_kinds, inputs);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().render().find("/jobs/0/templates/0/source: cannot read the template file"),
              std::string::npos)
        << missing.error().render();
}

TEST(emissary_settings, vault_check_and_the_request_budget)
{
    auto job = [](const std::string& extra) {
        return R"({"name": "web", "kind": "emissary", )" + sources + R"(,
            "templates": [{"contents": "x", "destination": "/tmp/x"}])" +
               extra + "}";
    };
    auto r = vk::parse_config(doc(job("")), "cfg.json", emissary_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& d = static_cast<const vk::emissary::emissary_settings&>(*r->jobs.at(0).settings);
    EXPECT_EQ(d.vault_check, std::chrono::seconds(10));
    EXPECT_EQ(d.max_requests_per_second, 100);
    r = vk::parse_config(doc(job(R"(, "vault_check": "1m30s", "max_requests_per_second": 20)")), "cfg.json",
                         emissary_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::emissary::emissary_settings&>(*r->jobs.at(0).settings);
    EXPECT_EQ(s.vault_check, std::chrono::seconds(90));
    EXPECT_EQ(s.max_requests_per_second, 20);

    auto ps = emissary_problems(job(R"(, "vault_check": "ten seconds", "max_requests_per_second": 0)"));
    EXPECT_TRUE(has_problem(
        ps, "/jobs/0/vault_check: \"ten seconds\" is not a duration (use e.g. \"30s\", \"5m\", \"1h30m\")"));
    EXPECT_TRUE(std::any_of(ps.begin(), ps.end(), [](const std::string& p) {
        return p.starts_with("/jobs/0/max_requests_per_second: ");
    })) << ::testing::PrintToString(ps);
}

TEST(emissary_settings, dynamic_engine_and_lease_settings)
{
    auto r = vk::parse_config(doc(R"({"name": "web", "kind": "emissary",
        "sources": {"db": {"type": "vault", "vault": "primary", "engine": "dynamic"}},
        "templates": [{"contents": "{{ secret \"db\" \"database/creds/app\" \"username\" }}", "destination": "/x"}],
        "revoke_old": false, "state_dir": "/var/lib/vk", "state_key": ")" +
                                  std::string(64, 'a') + R"("})"),
                              "cfg.json", emissary_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::emissary::emissary_settings&>(*r->jobs.at(0).settings);
    EXPECT_EQ(s.sources.at("db").engine, vk::emissary::vault_engine::dynamic);
    EXPECT_FALSE(s.revoke_old);
    EXPECT_EQ(s.state_dir, "/var/lib/vk");
    ASSERT_TRUE(s.state_key);
    auto defaults = vk::parse_config(doc(R"({"name": "web", "kind": "emissary", )" + sources + R"(,
        "templates": [{"contents": "x", "destination": "/x"}]})"),
                                     "cfg.json", emissary_kinds);
    ASSERT_TRUE(defaults);
    const auto& d = static_cast<const vk::emissary::emissary_settings&>(*defaults->jobs.at(0).settings);
    EXPECT_EQ(d.sources.at("v").engine, vk::emissary::vault_engine::kv);
    EXPECT_TRUE(d.revoke_old);
    EXPECT_TRUE(d.state_dir.empty());
    EXPECT_FALSE(d.state_key);
}

TEST(emissary_settings, lease_setting_mistakes_at_their_pointer)
{
    auto ps = emissary_problems(R"({"name": "web", "kind": "emissary",
        "sources": {"db": {"type": "vault", "vault": "primary", "engine": "dynamic", "kv_version": 1},
                    "f": {"type": "file", "root": "/srv", "engine": "kv"}},
        "templates": [{"contents": "{{ range secrets \"db\" \"a/\" }}{{ end }}", "destination": "/x"}],
        "state_dir": "relative", "state_key": "short"})");
    EXPECT_TRUE(has_problem(ps, "/jobs/0/sources/db/kv_version: only a kv engine has a version (\"engine\": "
                                "\"dynamic\" reads the path as is)"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/sources/f/engine: only a vault source has this setting"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/templates/0/contents: web#0:1:10: secrets lists a KV folder: its "
                                "source needs \"engine\": \"kv\""));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/state_dir: must be an absolute path (a directory)"));
    EXPECT_TRUE(has_problem(ps, "/jobs/0/state_key: must be 32 bytes, as 64 hex digits or in base64 (openssl "
                                "rand -base64 32)"));
    auto alone = emissary_problems(R"({"name": "web", "kind": "emissary", )" + sources + R"(,
        "templates": [{"contents": "x", "destination": "/x"}], "state_key": ")" +
                                   std::string(64, 'a') + R"("})");
    EXPECT_TRUE(
        has_problem(alone, "/jobs/0/state_key: needs state_dir (where the encrypted state file is kept)"));
}
