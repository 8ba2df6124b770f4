// Issue 15, "Test the paths that are not tested yet: the VAULT_*/CONSUL_* environment fallbacks": a vault or
// consul block without address, token, namespace or CA file takes them from the standard variables, and what
// the block says wins over the environment.
#include "core/config.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace {

const vk::kind_parsers env_no_kinds;

// Sets the variables for the test's lifetime and removes them afterwards.
struct env_vars
{
    std::vector<std::string> names;
    env_vars(std::initializer_list<std::pair<const char*, const char*>> vars)
    {
        for (auto [n, v] : vars)
        {
            ::setenv(n, v, 1);
            names.emplace_back(n);
        }
    }
    ~env_vars()
    {
        for (const auto& n : names)
            ::unsetenv(n.c_str());
    }
};

vk::config parse(const std::string& blocks)
{
    auto r = vk::parse_config(R"({"admin": {"token": "0123456789abcdef"}, )" + blocks + "}", "cfg.json",
                              env_no_kinds);
    if (!r)
        throw std::runtime_error(r.error().render());
    return std::move(*r);
}

TEST(config_env, vault_block_falls_back_to_vault_variables)
{
    env_vars env{{"VAULT_ADDR", "https://vault.env:8200"},
                 {"VAULT_TOKEN", "env-vault-token"},
                 {"VAULT_NAMESPACE", "team-a"},
                 {"VAULT_CACERT", "/etc/env-ca.pem"}};
    auto cfg = parse(R"("vaults": {"v": {}})");
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
    env_vars env{{"VAULT_ADDR", "https://vault.env:8200"},
                 {"VAULT_TOKEN", "env-vault-token"},
                 {"VAULT_NAMESPACE", "team-a"},
                 {"VAULT_CACERT", "/etc/env-ca.pem"}};
    auto cfg =
        parse(R"("vaults": {"v": {"address": "https://v:8200", "token": "file-token", "namespace": "ns",
                                         "tls": {"ca_file": "/etc/own-ca.pem"}}})");
    const auto& v = cfg.vaults.at("v");
    EXPECT_EQ(v.address, "https://v:8200");
    EXPECT_EQ(v.auth.token->reveal(), "file-token");
    EXPECT_EQ(v.namespace_, "ns");
    EXPECT_EQ(v.tls.ca_file, "/etc/own-ca.pem");
}

TEST(config_env, vault_without_address_anywhere_names_the_variable)
{
    ::unsetenv("VAULT_ADDR");
    auto r = vk::parse_config(R"({"admin": {"token": "0123456789abcdef"}, "vaults": {"v": {"token": "t"}}})",
                              "cfg.json", env_no_kinds);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().render().find("/vaults/v/address"), std::string::npos) << r.error().render();
    EXPECT_NE(r.error().render().find("VAULT_ADDR"), std::string::npos) << r.error().render();
}

TEST(config_env, consul_block_falls_back_to_consul_variables)
{
    env_vars env{{"CONSUL_HTTP_ADDR", "127.0.0.1:8501"}, {"CONSUL_HTTP_TOKEN", "env-consul-token"}};
    auto cfg = parse(R"("consuls": {"c": {}})");
    const auto& c = cfg.consuls.at("c");
    EXPECT_EQ(c.address, "http://127.0.0.1:8501");  // host:port, as Consul's CLI takes it
    ASSERT_TRUE(c.token);
    EXPECT_EQ(c.token->reveal(), "env-consul-token");
    EXPECT_EQ(c.token->source(), "env CONSUL_HTTP_TOKEN");
}

TEST(config_env, consul_block_values_win_over_the_environment)
{
    env_vars env{{"CONSUL_HTTP_ADDR", "127.0.0.1:8501"}, {"CONSUL_HTTP_TOKEN", "env-consul-token"}};
    auto cfg = parse(R"("consuls": {"c": {"address": "https://consul:8501", "token": "own"}})");
    EXPECT_EQ(cfg.consuls.at("c").address, "https://consul:8501");
    EXPECT_EQ(cfg.consuls.at("c").token->reveal(), "own");
}

TEST(config_env, no_variables_no_tokens)
{
    ::unsetenv("VAULT_TOKEN");
    ::unsetenv("CONSUL_HTTP_TOKEN");
    auto cfg = parse(R"("vaults": {"v": {"address": "http://v:8200", "auth": {"method": "approle",
                            "role_id": "r", "secret_id": "s"}}}, "consuls": {"c": {"address": "http://c:8500"}})");
    EXPECT_FALSE(cfg.vaults.at("v").auth.token);
    EXPECT_FALSE(cfg.consuls.at("c").token);
}

}  // namespace
