// Issue 15, "Test the paths that are not tested yet: the VAULT_*/CONSUL_* environment fallbacks": a vault or
// consul block without address, token, namespace or CA file takes them from the standard variables, and what
// the block says wins over the environment.
#include "../config_problems.hpp"
#include "core/config.hpp"

#include <gtest/gtest.h>

namespace {

const vk::kind_parsers env_no_kinds;

// The environment the config sees: handed in (config_inputs), never the process's own.
vk::config parse(const std::string& blocks, std::map<std::string, std::string> env = {},
                 std::map<std::string, std::string> files = {})
{
    auto r = vk::parse_config(R"({"admin": {"token": "0123456789abcdef"}, )" + blocks + "}", "cfg.json",
                              env_no_kinds, vk::test::table_inputs(std::move(files), std::move(env)));
    if (!r)
        throw std::runtime_error(r.error().render());
    return std::move(*r);
}

TEST(config_env, vault_block_falls_back_to_vault_variables)
{
    auto cfg = parse(R"("vaults": {"v": {}})", {{"VAULT_ADDR", "https://vault.env:8200"},
                                                {"VAULT_TOKEN", "env-vault-token"},
                                                {"VAULT_NAMESPACE", "team-a"},
                                                {"VAULT_CACERT", "/etc/env-ca.pem"}});
    const auto& v = cfg.vaults.at("v");
    EXPECT_EQ(v.address, "https://vault.env:8200");
    ASSERT_TRUE(v.auth.token);
    EXPECT_EQ(v.auth.token->reveal(), "env-vault-token");
    EXPECT_EQ(v.auth.token->source(), "env VAULT_TOKEN");
    EXPECT_EQ(v.namespace_, "team-a");
    EXPECT_EQ(v.tls.ca_file, "/etc/env-ca.pem");
}

TEST(config_env, vault_block_values_win_over_the_environment)
{
    auto cfg =
        parse(R"("vaults": {"v": {"address": "https://v:8200", "token": "file-token", "namespace": "ns",
                                         "tls": {"ca_file": "/etc/own-ca.pem"}}})",
              {{"VAULT_ADDR", "https://vault.env:8200"},
               {"VAULT_TOKEN", "env-vault-token"},
               {"VAULT_NAMESPACE", "team-a"},
               {"VAULT_CACERT", "/etc/env-ca.pem"}});
    const auto& v = cfg.vaults.at("v");
    EXPECT_EQ(v.address, "https://v:8200");
    EXPECT_EQ(v.auth.token->reveal(), "file-token");
    EXPECT_EQ(v.namespace_, "ns");
    EXPECT_EQ(v.tls.ca_file, "/etc/own-ca.pem");
}

TEST(config_env, vault_without_address_anywhere_names_the_variable)
{
    auto r = vk::parse_config(R"({"admin": {"token": "0123456789abcdef"}, "vaults": {"v": {"token": "t"}}})",
                              "cfg.json", env_no_kinds, vk::test::table_inputs({}, {}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().render().find("/vaults/v/address"), std::string::npos) << r.error().render();
    EXPECT_NE(r.error().render().find("VAULT_ADDR"), std::string::npos) << r.error().render();
}

TEST(config_env, consul_block_falls_back_to_consul_variables)
{
    auto cfg = parse(R"("consuls": {"c": {}})",
                     {{"CONSUL_HTTP_ADDR", "127.0.0.1:8501"}, {"CONSUL_HTTP_TOKEN", "env-consul-token"}});
    const auto& c = cfg.consuls.at("c");
    EXPECT_EQ(c.address, "http://127.0.0.1:8501");  // host:port, as Consul's CLI takes it
    ASSERT_TRUE(c.token);
    EXPECT_EQ(c.token->reveal(), "env-consul-token");
    EXPECT_EQ(c.token->source(), "env CONSUL_HTTP_TOKEN");
}

TEST(config_env, consul_block_values_win_over_the_environment)
{
    auto cfg = parse(R"("consuls": {"c": {"address": "https://consul:8501", "token": "own"}})",
                     {{"CONSUL_HTTP_ADDR", "127.0.0.1:8501"}, {"CONSUL_HTTP_TOKEN", "env-consul-token"}});
    EXPECT_EQ(cfg.consuls.at("c").address, "https://consul:8501");
    EXPECT_EQ(cfg.consuls.at("c").token->reveal(), "own");
}

TEST(config_env, no_variables_no_tokens)
{
    auto cfg = parse(R"("vaults": {"v": {"address": "http://v:8200", "auth": {"method": "approle",
                            "role_id": "r", "secret_id": "s"}}}, "consuls": {"c": {"address": "http://c:8500"}})");
    EXPECT_FALSE(cfg.vaults.at("v").auth.token);
    EXPECT_FALSE(cfg.consuls.at("c").token);
}

TEST(config_env, secrets_in_files_and_variables_come_from_the_inputs_handed_in)
{
    auto cfg =
        parse(R"("vaults": {"v": {"address": "http://v:8200", "token": {"file": "/run/vault-token"}}},
                        "consuls": {"c": {"address": "http://c:8500", "token": {"env": "MY_CONSUL_TOKEN"}}})",
              {{"MY_CONSUL_TOKEN", "from-the-table"}}, {{"/run/vault-token", "vault-token-in-a-file\n"}});
    EXPECT_EQ(cfg.vaults.at("v").auth.token->reveal(), "vault-token-in-a-file");
    EXPECT_EQ(cfg.consuls.at("c").token->reveal(), "from-the-table");
    EXPECT_EQ(cfg.consuls.at("c").token->source(), "env MY_CONSUL_TOKEN");
    // What the table does not hold is missing, whatever the machine's disk and environment hold.
    auto r = vk::parse_config(
        R"({"admin": {"token": "0123456789abcdef"}, "vaults": {"v": {"address": "http://v:8200",
            "token": {"file": "/etc/hostname"}}}, "consuls": {"c": {"address": "http://c:8500", "token": {"env": "PATH"}}}})",
        "cfg.json", env_no_kinds, vk::test::table_inputs({}, {}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().render().find("/vaults/v/token: cannot read file /etc/hostname"), std::string::npos)
        << r.error().render();
    EXPECT_NE(r.error().render().find("/consuls/c/token: environment variable PATH is not set"),
              std::string::npos)
        << r.error().render();
}

}  // namespace
