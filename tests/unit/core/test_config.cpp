// Config validation: every problem reported once with its JSON pointer, defaults, secret references.
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "core/config.hpp"

namespace {
using namespace std::chrono_literals;

const vk::kind_parsers config_kinds = {
    {"demo",
     [](vk::object_reader& r, const vk::config& cfg) -> std::shared_ptr<const vk::job_settings> {
         auto vault = r.string("vault", vk::need::required);
         if (vault && !cfg.vaults.contains(*vault))
             r.problem("vault", "no vault named \"" + *vault + "\"");
         return std::make_shared<vk::job_settings>();
     }},
};

const char* base = R"({"admin": {"token": "0123456789abcdef"}, %s})";

std::string doc(const std::string& rest)
{
    char buf[4096];
    std::snprintf(buf, sizeof buf, base, rest.c_str());
    return buf;
}

std::vector<std::string> config_problems(const std::string& text)
{
    auto r = vk::parse_config(text, "cfg.json", config_kinds);
    std::vector<std::string> out;
    if (r)
        return out;
    for (const auto& p : r.error().problems)
        out.push_back(p.pointer + ": " + p.message);
    return out;
}

TEST(config, minimal_document_gets_defaults)
{
    auto r = vk::parse_config(doc(R"("jobs": [])"), "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(r->admin.listen, "127.0.0.1:8290");
    EXPECT_EQ(r->log.level, "info");
    EXPECT_EQ(r->log.format, "text");
    EXPECT_TRUE(r->jobs.empty());
}

TEST(config, job_defaults_and_kind_settings)
{
    auto r = vk::parse_config(doc(R"("vaults": {"v1": {"address": "http://127.0.0.1:8200", "token": "t"}},
               "jobs": [{"name": "a", "kind": "demo", "vault": "v1"}])"),
                              "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    ASSERT_EQ(r->jobs.size(), 1u);
    EXPECT_EQ(r->jobs[0].interval, vk::duration(1min));
    EXPECT_EQ(r->jobs[0].timeout, vk::duration(5min));
    EXPECT_FALSE(r->jobs[0].halt_on_fatal);
    EXPECT_NE(r->jobs[0].settings, nullptr);
    EXPECT_EQ(r->vaults.at("v1").auth.token->reveal(), "t");
}

TEST(config, reports_every_problem_with_its_pointer)
{
    auto p = config_problems(doc(R"("bogus": 1,
        "log": {"level": "loud"},
        "vaults": {"v1": {"address": "ftp://x", "colour": "red"}},
        "jobs": [
          {"name": "a", "kind": "demo", "vault": "v1", "interval": "soon"},
          {"name": "a", "kind": "demo", "vault": "nope", "timeout": 5},
          {"kind": "nosuch"},
          {"name": "c", "kind": "demo"}
        ])"));
    std::vector<std::string> want = {
        "/log/level: \"loud\" is not one of: trace, debug, info, warn, error",
        "/vaults/v1/address: \"ftp://x\" is not an http:// or https:// URL",
        "/vaults/v1/colour: unknown key",
        "/jobs/0/interval: \"soon\" is not a duration (use e.g. \"30s\", \"5m\", \"1h30m\")",
        "/jobs/1/name: duplicate job name \"a\"",
        "/jobs/1/timeout: expected a string",
        "/jobs/1/vault: no vault named \"nope\"",
        "/jobs/2/name: missing required field (a string)",
        "/jobs/2/kind: unknown job kind \"nosuch\" (known: demo)",
        "/jobs/3/vault: missing required field (a string)",
        "/bogus: unknown key",
    };
    EXPECT_EQ(p, want);
}

TEST(config, rendering_names_file_and_pointer)
{
    auto r = vk::parse_config(R"({"admin": {}})", "/etc/vk.json", config_kinds);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().render(),
              "/etc/vk.json: /admin/token: missing required field (a string, {\"file\": ...} or "
              "{\"env\": ...}) unless admin.tokens is given\n");
}

TEST(config, invalid_json_names_line_and_column)
{
    auto p = config_problems("{\n  \"admin\": {\n    \"token\": \"x\",\n  }\n}");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].find("invalid JSON at line 4"), std::string::npos) << p[0];
}

TEST(config, secrets_from_file_and_env)
{
    auto dir = std::filesystem::temp_directory_path() / "vk_config_test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "tok") << "file-token-0123456789\n";
    ::setenv("VK_TEST_TOKEN", "env-token", 1);
    auto r = vk::parse_config(R"({"admin": {"token": {"file": ")" + (dir / "tok").string() + R"("}},
            "vaults": {"v": {"address": "https://v:8200", "token": {"env": "VK_TEST_TOKEN"}}}})",
                              "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(r->admin.token.reveal(), "file-token-0123456789");
    EXPECT_EQ(r->vaults.at("v").auth.token->reveal(), "env-token");
    EXPECT_EQ(r->vaults.at("v").auth.token->source(), "env VK_TEST_TOKEN");
}

TEST(config, missing_secret_sources_are_problems_not_crashes)
{
    ::unsetenv("VK_NO_SUCH_VAR");
    auto p = config_problems(R"({"admin": {"token": {"env": "VK_NO_SUCH_VAR"}},
        "consuls": {"c": {"address": "http://c:8500", "token": {"file": "/nonexistent/x"}}},
        "notify": {"webhook": {"url": "http://127.0.0.1:1/h", "headers": {"X-Key": {"env": "VK_NO_SUCH_VAR", "file": "y"}}}}})");
    std::vector<std::string> want = {
        "/admin/token: environment variable VK_NO_SUCH_VAR is not set",
        "/consuls/c/token: cannot read file /nonexistent/x",
        "/notify/webhook/headers/X-Key: give exactly one of \"file\" or \"env\"",
    };
    EXPECT_EQ(p, want);
}

TEST(config, ha_must_reference_a_defined_consul)
{
    auto p = config_problems(doc(R"("ha": {"consul": "missing", "key": "vk/locks", "session_ttl": "2s"})"));
    std::vector<std::string> want = {
        "/ha/consul: no consul named \"missing\" is defined under /consuls",
        "/ha/session_ttl: must be between 20s and 24h (sessions are created with half of it; Consul's "
        "minimum is "
        "10s)",
    };
    EXPECT_EQ(p, want);
}

TEST(config, max_response_bytes_defaults_to_32_mib_and_is_read_per_vault_and_consul)
{
    auto r = vk::parse_config(doc(R"("vaults": {"a": {"address": "http://127.0.0.1:1", "token": "t"},
                                                "b": {"address": "http://127.0.0.1:2", "token": "t",
                                                      "max_response_bytes": 1048576}},
                                     "consuls": {"c": {"address": "http://127.0.0.1:3"},
                                                 "d": {"address": "http://127.0.0.1:4",
                                                       "max_response_bytes": 65536}})"),
                              "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(r->vaults.at("a").max_response_bytes, 32u * 1024 * 1024);
    EXPECT_EQ(r->vaults.at("b").max_response_bytes, 1048576u);
    EXPECT_EQ(r->consuls.at("c").max_response_bytes, 32u * 1024 * 1024);
    EXPECT_EQ(r->consuls.at("d").max_response_bytes, 65536u);
}

TEST(config, max_response_bytes_out_of_range_names_the_field)
{
    auto p = config_problems(doc(R"("vaults": {"v": {"address": "http://127.0.0.1:1", "token": "t",
                                                     "max_response_bytes": 65535}},
                                    "consuls": {"c": {"address": "http://127.0.0.1:3",
                                                      "max_response_bytes": 2147483648},
                                                "e": {"address": "http://127.0.0.1:4",
                                                      "max_response_bytes": "1MiB"}})"));
    std::vector<std::string> want = {
        "/consuls/c/max_response_bytes: must be between 65536 (64 KiB) and 1073741824 (1 GiB) bytes",
        "/consuls/e/max_response_bytes: expected an integer",
        "/vaults/v/max_response_bytes: must be between 65536 (64 KiB) and 1073741824 (1 GiB) bytes",
    };
    std::sort(p.begin(), p.end());
    EXPECT_EQ(p, want);
}

TEST(config, jwt_auth_takes_role_token_file_and_path_or_mount)
{
    auto r = vk::parse_config(
        doc(R"("vaults": {"a": {"address": "http://127.0.0.1:1", "auth": {"method": "jwt", "role": "ci",
                   "token_file": "/var/run/secrets/tokens/vault"}},
                 "b": {"address": "http://127.0.0.1:2", "auth": {"method": "jwt", "role": "ci",
                   "token_file": "/t", "path": "jwt/prod"}},
                 "c": {"address": "http://127.0.0.1:3", "auth": {"method": "jwt", "role": "ci",
                   "token_file": "/t", "mount": "oidc"}}})"),
        "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& a = r->vaults.at("a").auth;
    EXPECT_EQ(a.method, "jwt");
    EXPECT_EQ(a.role, "ci");
    EXPECT_EQ(a.jwt_file, "/var/run/secrets/tokens/vault");
    EXPECT_EQ(a.mount, "jwt");
    EXPECT_EQ(r->vaults.at("b").auth.mount, "jwt/prod");
    EXPECT_EQ(r->vaults.at("c").auth.mount, "oidc");
    auto p =
        config_problems(doc(R"("vaults": {"a": {"address": "http://127.0.0.1:1", "auth": {"method": "jwt"}},
                          "b": {"address": "http://127.0.0.1:2", "auth": {"method": "jwt", "role": "r",
                            "token_file": "/t", "path": "x", "mount": "y", "jwt_file": "/k"}}})"));
    std::sort(p.begin(), p.end());
    std::vector<std::string> want = {
        "/vaults/a/auth/role: missing required field (a string)",
        "/vaults/a/auth/token_file: missing required field (a string)",
        "/vaults/b/auth/jwt_file: unknown key",
        "/vaults/b/auth/path: differs from mount (\"y\"): give one of them",
    };
    EXPECT_EQ(p, want);
}

TEST(config, pointer_tokens_are_escaped)
{
    EXPECT_EQ(vk::escape_pointer_token("a/b~c"), "a~1b~0c");
    auto p = config_problems(doc(R"("vaults": {"eu/west": {"address": "http://x:1", "x~y": 1}})"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "/vaults/eu~1west/x~0y: unknown key");
}

}  // namespace

namespace {

// Issue 21: admin.tokens, each with a name, a token and scopes (and job globs); admin.token may be left out.
TEST(config, admin_tokens_with_scopes_and_jobs)
{
    auto r = vk::parse_config(R"({"admin": {"tokens": [
        {"name": "grafana", "token": "read-only-token-000", "scopes": ["read"]},
        {"name": "ops", "token": "operator-token-0000", "scopes": ["operate", "approve"], "jobs": ["replicate-*"]},
        {"name": "break-glass", "token": "everything-token-00", "scopes": ["*"]}]}})",
                              "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_TRUE(r->admin.token.empty());
    ASSERT_EQ(r->admin.tokens.size(), 3u);
    EXPECT_EQ(r->admin.tokens[0].scopes.names(), std::vector<std::string>{"read"});
    EXPECT_EQ(r->admin.tokens[1].jobs, std::vector<std::string>{"replicate-*"});
    EXPECT_EQ(r->admin.tokens[2].scopes, vk::scope_set::all());
}

TEST(config, admin_tokens_problems_name_the_entry_and_field)
{
    EXPECT_EQ(
        config_problems(R"({"admin": {"token": "0123456789abcdef", "tokens": [
        {"name": "admin", "token": "another-token-0000", "scopes": ["read"]},
        {"name": "a", "token": "short", "scopes": ["read", "destroy"]},
        {"name": "b", "token": "0123456789abcdef", "scopes": []},
        {"token": "yet-another-token-0", "scopes": ["read"]}]}})"),
        (std::vector<std::string>{
            "/admin/tokens/0/name: \"admin\" is used by another token (\"admin\" is admin.token's)",
            "/admin/tokens/1/token: must be at least 16 characters",
            "/admin/tokens/1/scopes: unknown scope \"destroy\" (read, operate, approve, rekey, restore or *)",
            "/admin/tokens/2/token: the same token as admin.token",
            "/admin/tokens/2/scopes: must name at least one scope",
            "/admin/tokens/3/name: missing required field (a string)",
        }));
}

// Issue 21: a token entry named by a client certificate (SAN or subject), the client CA and
// require_client_cert.
TEST(config, admin_tokens_named_by_client_certificates)
{
    auto r = vk::parse_config(R"({"admin": {"tls": {"cert_file": "a.crt", "key_file": "a.key",
        "client_ca_file": "clients.pem", "require_client_cert": true}, "tokens": [
        {"name": "deployer", "client_cert": {"san": "EMAIL:deploy@ops.example"}, "scopes": ["operate"]},
        {"name": "ops", "client_cert": {"subject": "CN=ops,O=Example"}, "scopes": ["*"]}]}})",
                              "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(r->admin.tls_client_ca_file, "clients.pem");
    EXPECT_TRUE(r->admin.require_client_cert);
    ASSERT_EQ(r->admin.tokens.size(), 2u);
    EXPECT_TRUE(r->admin.tokens[0].token.empty());
    EXPECT_EQ(r->admin.tokens[0].client_cert->san, "email:deploy@ops.example");  // the type in lower case
    EXPECT_EQ(r->admin.tokens[1].client_cert->subject, "CN=ops,O=Example");
}

TEST(config, client_certificate_problems_name_the_entry_and_field)
{
    EXPECT_EQ(
        config_problems(R"({"admin": {"token": "0123456789abcdef", "tokens": [
        {"name": "a", "client_cert": {"san": "ip:10.0.0.1"}, "scopes": ["read"]},
        {"name": "b", "client_cert": {"san": "dns:x", "subject": "CN=x"}, "scopes": ["read"]},
        {"name": "c", "client_cert": {"san": "dns:ci.example"}, "scopes": ["read"]},
        {"name": "d", "client_cert": {"san": "DNS:ci.example"}, "scopes": ["read"]},
        {"name": "e", "scopes": ["read"]}]}})"),
        (std::vector<std::string>{
            "/admin/tokens/0/client_cert/san: \"ip:10.0.0.1\" does not start with email:, dns: or uri: "
            "followed by a value",
            "/admin/tokens/1/client_cert/san: give one of san (\"email:...\", \"dns:...\" or \"uri:...\") "
            "and subject",
            "/admin/tokens/3/client_cert: the same certificate as \"c\"",
            "/admin/tokens/4/token: missing required field (a string, {\"file\": ...} or {\"env\": ...}) "
            "unless client_cert is given",
            "/admin/tokens: a client_cert entry needs admin.tls.client_ca_file (no certificate is asked "
            "for without it)",
        }));
    EXPECT_EQ(
        config_problems(R"({"admin": {"token": "0123456789abcdef",
        "tls": {"cert_file": "a.crt", "key_file": "a.key", "require_client_cert": true}}})"),
        (std::vector<std::string>{
            "/admin/tls/require_client_cert: needs client_ca_file, the CA the certificates are verified "
            "against",
            "/admin/tokens: no entry names a client_cert, yet admin.tls.require_client_cert refuses every "
            "bearer token",
            "/admin/token: is a bearer token, which admin.tls.require_client_cert refuses; remove one of "
            "them",
        }));
}

// Issue 21: the audit block; the file must be an absolute path; required defaults to true.
TEST(config, audit_file_and_required)
{
    auto r = vk::parse_config(doc(R"("audit": {"file": "/var/log/vaultkeeper/audit.log"}, "jobs": [])"),
                              "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(r->audit.file, "/var/log/vaultkeeper/audit.log");
    EXPECT_TRUE(r->audit.required);
    EXPECT_EQ(
        config_problems(doc(R"("audit": {"file": "audit.log", "required": false, "hook": 1}, "jobs": [])")),
        (std::vector<std::string>{"/audit/file: must be an absolute path", "/audit/hook: unknown key"}));
    EXPECT_EQ(config_problems(doc(R"("audit": {"webhook": true}, "jobs": [])")),
              (std::vector<std::string>{"/audit/webhook: needs notify.webhook, where the changes are sent"}));
    EXPECT_EQ(
        config_problems(doc(R"("audit": {}, "jobs": [])")),
        (std::vector<std::string>{"/audit/file: missing required field (a string) unless webhook is true"}));
    auto hooked = vk::parse_config(
        doc(R"("audit": {"webhook": true}, "notify": {"webhook": {"url": "http://127.0.0.1:9/h"}}, "jobs": [])"),
        "cfg.json", config_kinds);
    ASSERT_TRUE(hooked) << hooked.error().render();
    EXPECT_TRUE(hooked->audit.webhook);
    EXPECT_TRUE(hooked->audit.file.empty());
}

// Issue 15: an admin listener off loopback without TLS is refused unless insecure_listen says so.
TEST(config, admin_listen_off_loopback_needs_tls_or_an_explicit_insecure_listen)
{
    auto with_admin = [](const std::string& admin) {
        return config_problems(R"({"admin": {"token": "0123456789abcdef", )" + admin + "}}");
    };
    EXPECT_EQ(with_admin(R"("listen": "0.0.0.0:8290")"),
              std::vector<std::string>{"/admin/listen: \"0.0.0.0:8290\" is not a loopback address: configure "
                                       "admin.tls, or say \"insecure_listen\": true"});
    EXPECT_TRUE(with_admin(R"("listen": "0.0.0.0:8290", "insecure_listen": true)").empty());
    EXPECT_TRUE(
        with_admin(R"("listen": "10.1.2.3:8290", "tls": {"cert_file": "c", "key_file": "k"})").empty());
    EXPECT_TRUE(with_admin(R"("listen": "127.0.0.2:8290")").empty());
    EXPECT_TRUE(with_admin(R"("listen": "[::1]:8290")").empty());
    EXPECT_TRUE(with_admin(R"("listen": "localhost:8290")").empty());
    EXPECT_FALSE(with_admin(R"("listen": "[::]:8290")").empty());
    EXPECT_FALSE(with_admin(R"("listen": "127.evil.example:8290")").empty())
        << "a name, not an address in 127/8";
}

}  // namespace

namespace {

// Issue 15: a secret file readable by group or others is a warning naming the file; with
// "strict_permissions": true it is an error.
TEST(config, shared_secret_file_is_a_warning_or_with_strict_permissions_an_error)
{
    auto dir = std::filesystem::temp_directory_path() / ("vk-perm-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto file = (dir / "token").string();
    std::ofstream(file) << "0123456789abcdef\n";
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                  std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    std::string admin = R"({"admin": {"token": {"file": ")" + file + R"("}})";
    auto relaxed = vk::parse_config(admin + "}", "cfg.json", config_kinds);
    ASSERT_TRUE(relaxed) << relaxed.error().render();
    ASSERT_EQ(relaxed->warnings.size(), 1u);
    EXPECT_EQ(relaxed->warnings[0], "cfg.json: /admin/token: secret file " + file +
                                        " is accessible by group or others (chmod 600)");
    EXPECT_EQ(relaxed->admin.token.reveal(), "0123456789abcdef");

    auto strict = vk::parse_config(admin + R"(, "strict_permissions": true})", "cfg.json", config_kinds);
    ASSERT_FALSE(strict);
    EXPECT_EQ(strict.error().render(), "cfg.json: /admin/token: secret file " + file +
                                           " is accessible by group or others (chmod 600)\n");

    std::filesystem::permissions(file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto private_file =
        vk::parse_config(admin + R"(, "strict_permissions": true})", "cfg.json", config_kinds);
    ASSERT_TRUE(private_file) << private_file.error().render();
    EXPECT_TRUE(private_file->warnings.empty());
    std::filesystem::remove_all(dir);
}

}  // namespace

namespace {

// Issue 21: "tokens are stored as hashes in memory once loaded": the config forgets them once the digests
// exist.
TEST(config, admin_tokens_are_forgotten_but_their_entries_stay)
{
    auto r = vk::parse_config(R"({"admin": {"token": "the-admin-token-000", "tokens": [
        {"name": "grafana", "token": "read-only-token-000", "scopes": ["read"]}]}})",
                              "cfg.json", config_kinds);
    ASSERT_TRUE(r) << r.error().render();
    vk::forget_admin_tokens(*r);
    EXPECT_TRUE(r->admin.token.empty());
    EXPECT_TRUE(r->admin.tokens[0].token.empty());
    EXPECT_EQ(r->admin.tokens[0].name, "grafana");
    EXPECT_EQ(r->admin.tokens[0].scopes.names(), std::vector<std::string>{"read"});
    for (const auto* doc : {&r->raw, &r->resolved})
    {
        auto text = boost::json::serialize(*doc);
        EXPECT_EQ(text.find("the-admin-token-000"), std::string::npos) << text;
        EXPECT_EQ(text.find("read-only-token-000"), std::string::npos) << text;
        EXPECT_NE(text.find("grafana"), std::string::npos);
    }
}

}  // namespace
