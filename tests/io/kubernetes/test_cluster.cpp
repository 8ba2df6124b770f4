// kubernetes::resolve with real files and environment variables: the in-cluster service account folder, a
// kubeconfig's tokenFile (file-backed, so api_client re-reads it), the explicit form as given.
#include "kubernetes/cluster.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>

namespace {

using vk::kubernetes::resolve;

void put(const std::filesystem::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::trunc) << text;
}

// Sets the in-cluster variables for one test and removes them after.
struct service_env
{
    service_env(const char* host, const char* port)
    {
        ::setenv("KUBERNETES_SERVICE_HOST", host, 1);
        ::setenv("KUBERNETES_SERVICE_PORT", port, 1);
    }
    ~service_env()
    {
        ::unsetenv("KUBERNETES_SERVICE_HOST");
        ::unsetenv("KUBERNETES_SERVICE_PORT");
    }
};

vk::kubernetes_config in_cluster(const std::filesystem::path& dir)
{
    vk::kubernetes_config c;
    c.name = "pod";
    c.in_cluster = true;
    c.service_account_dir = dir.string();
    return c;
}

TEST(kubernetes_cluster, in_cluster_from_the_service_account_folder)
{
    vk::test::temp_dir dir("vk-k8s-sa");
    put(dir.path / "token", "sa-token\n");
    put(dir.path / "namespace", "vault");
    service_env env("fd00::1", "6443");
    auto a = resolve(in_cluster(dir.path));
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->api_server, "https://[fd00::1]:6443");
    EXPECT_EQ(a->token.reveal(), "sa-token");
    EXPECT_EQ(a->token.source(), "file " + (dir.path / "token").string());
    EXPECT_EQ(a->ca_file, (dir.path / "ca.crt").string());
    EXPECT_EQ(a->default_namespace, "vault");
}

TEST(kubernetes_cluster, in_cluster_without_a_namespace_file_is_default)
{
    vk::test::temp_dir dir("vk-k8s-sa");
    put(dir.path / "token", "sa-token");
    service_env env("10.96.0.1", "443");
    auto a = resolve(in_cluster(dir.path));
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->api_server, "https://10.96.0.1:443");
    EXPECT_EQ(a->default_namespace, "default");
}

TEST(kubernetes_cluster, in_cluster_problems_name_the_cluster)
{
    vk::test::temp_dir dir("vk-k8s-sa");
    {
        service_env env("10.96.0.1", "443");
        auto no_token = resolve(in_cluster(dir.path));
        ASSERT_FALSE(no_token);
        EXPECT_EQ(no_token.error().message,
                  "kubernetes pod: cannot read the token " + (dir.path / "token").string());
    }
    put(dir.path / "token", "sa-token");
    auto no_env = resolve(in_cluster(dir.path));
    ASSERT_FALSE(no_env);
    EXPECT_TRUE(no_env.error().message.starts_with("kubernetes pod: in_cluster: KUBERNETES_SERVICE_HOST"))
        << no_env.error().message;
}

TEST(kubernetes_cluster, kubeconfig_token_file_is_read_and_file_backed)
{
    vk::test::temp_dir dir("vk-k8s-kubeconfig");
    put(dir.path / "token", "from-token-file\n");
    put(dir.path / "config", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.pem}}]
contexts: [{name: c, context: {cluster: k, user: u, namespace: vault}}]
users: [{name: u, user: {tokenFile: token}}]
)");
    vk::kubernetes_config c;
    c.name = "laptop";
    c.kubeconfig = (dir.path / "config").string();
    auto a = resolve(c);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->api_server, "https://127.0.0.1:6443");
    EXPECT_EQ(a->ca_file, (dir.path / "ca.pem").string());
    EXPECT_EQ(a->token.reveal(), "from-token-file");
    EXPECT_EQ(a->token.source(), "file " + (dir.path / "token").string());
    EXPECT_EQ(a->default_namespace, "vault");
}

TEST(kubernetes_cluster, explicit_form_as_given)
{
    vk::kubernetes_config c;
    c.name = "plain";
    c.api_server = "https://127.0.0.1:6443";
    c.token = vk::secret("tok");
    c.ca_file = "/ca.pem";
    auto a = resolve(c);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->api_server, "https://127.0.0.1:6443");
    EXPECT_EQ(a->token.reveal(), "tok");
    EXPECT_EQ(a->ca_file, "/ca.pem");
    EXPECT_EQ(a->default_namespace, "default");
}

}  // namespace
