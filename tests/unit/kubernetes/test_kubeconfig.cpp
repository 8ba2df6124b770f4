// kubeconfig text -> access: contexts, the CA as a path or as data, token and tokenFile, and the user kinds
// and settings that are refused; the in-cluster server URL.
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "kubernetes/model/kubeconfig.hpp"

namespace {

using vk::kubernetes::parse_kubeconfig;

const std::string two_contexts = R"(
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: certs/ca.crt
- name: prod-cluster
  cluster:
    server: https://k8s.example:443
    certificate-authority-data: )" +
                                 vk::base64_encode("-----BEGIN CERTIFICATE-----\nxyz\n") + R"(
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: prod
  context: {cluster: prod-cluster, user: prod-user, namespace: vault}
users:
- name: dev-user
  user: {token: dev-token}
- name: prod-user
  user: {tokenFile: /var/run/prod-token}
)";

std::string with_user(const std::string& user, const std::string& cluster_extra = "")
{
    return R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443")" +
           cluster_extra + R"(}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: )" +
           user + "}]\n";
}

std::string error_of(const std::string& text, const std::string& context = "")
{
    auto r = parse_kubeconfig(text, "/home/me/.kube", context, "/home/me/.kube/config");
    EXPECT_FALSE(r);
    return r ? "" : r.error().message;
}

// Everything a context resolves to, as one line per field, to compare whole.
std::string summary(const std::string& context)
{
    auto r = parse_kubeconfig(two_contexts, "/home/me/.kube", context, "/home/me/.kube/config");
    if (!r)
        return r.error().message;
    return "server " + r->a.api_server + "\nca_file " + r->a.ca_file + "\nca_pem " + r->a.ca_pem +
           "\ntoken " + r->a.token.reveal() + " (" + r->a.token.source() + ")\ntoken_file " + r->token_file +
           "\nnamespace " + r->a.default_namespace;
}

TEST(kubeconfig, current_context_with_a_ca_file_beside_the_kubeconfig)
{
    // The token's source is not "file ...": an inline token is never re-read.
    EXPECT_EQ(summary(""),
              "server https://127.0.0.1:6443\nca_file /home/me/.kube/certs/ca.crt\nca_pem \n"
              "token dev-token (kubeconfig /home/me/.kube/config)\ntoken_file \nnamespace default");
}

TEST(kubeconfig, named_context_with_ca_data_token_file_and_namespace)
{
    EXPECT_EQ(summary("prod"),
              "server https://k8s.example:443\nca_file \nca_pem -----BEGIN CERTIFICATE-----\n"
              "xyz\n\ntoken  ()\ntoken_file /var/run/prod-token\nnamespace vault");
}

TEST(kubeconfig, relative_token_file_is_beside_the_kubeconfig)
{
    auto r = parse_kubeconfig(with_user("{tokenFile: tok}"), "/etc/vk", "", "/etc/vk/kubeconfig");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->token_file, "/etc/vk/tok");
}

TEST(kubeconfig, missing_context_cluster_or_user)
{
    EXPECT_EQ(error_of(two_contexts, "staging"),
              "kubeconfig /home/me/.kube/config: contexts: no entry named \"staging\" with a context map");
    EXPECT_EQ(error_of("clusters: []\n"),
              "kubeconfig /home/me/.kube/config: no context given and no current-context");
    auto no_user = with_user("{token: t}");
    no_user.replace(no_user.find("user: u"), 7, "user: v");
    EXPECT_EQ(error_of(no_user),
              "kubeconfig /home/me/.kube/config: users: no entry named \"v\" with a user map");
}

TEST(kubeconfig, users_without_a_token_are_refused)
{
    for (const auto* user :
         {"{client-certificate: c.crt, client-key: c.key}", "{client-certificate-data: eA==}",
          "{exec: {command: aws}}", "{auth-provider: {name: gcp}}", "{username: a, password: b}"})
        EXPECT_TRUE(error_of(with_user(user)).ends_with("is not supported: use a token")) << user;
    EXPECT_EQ(error_of(with_user("{}")),
              "kubeconfig /home/me/.kube/config: the user has no token or tokenFile");
}

TEST(kubeconfig, insecure_skip_tls_verify_is_refused)
{
    EXPECT_EQ(
        error_of(with_user("{token: t}", ", insecure-skip-tls-verify: true")),
        "kubeconfig /home/me/.kube/config: insecure-skip-tls-verify is not supported: give the cluster's CA");
}

TEST(kubeconfig, bad_yaml_names_the_place_not_the_text)
{
    auto message = error_of("users: [{name: u, user: {token: secret-value}\n");
    EXPECT_TRUE(message.starts_with("kubeconfig /home/me/.kube/config: invalid YAML at line")) << message;
    EXPECT_EQ(message.find("secret-value"), std::string::npos);
    EXPECT_EQ(error_of("just text"), "kubeconfig /home/me/.kube/config: not a YAML map");
}

TEST(kubeconfig, bad_ca_data)
{
    EXPECT_EQ(error_of(with_user("{token: t}", ", certificate-authority-data: \"%%%\"")),
              "kubeconfig /home/me/.kube/config: certificate-authority-data is not base64");
}

TEST(kubernetes_in_cluster, server_from_the_environment)
{
    EXPECT_EQ(vk::kubernetes::in_cluster_server("10.96.0.1", "443").value(), "https://10.96.0.1:443");
    EXPECT_EQ(vk::kubernetes::in_cluster_server("fd00::1", "6443").value(), "https://[fd00::1]:6443");
    auto unset = vk::kubernetes::in_cluster_server(std::nullopt, "443");
    ASSERT_FALSE(unset);
    EXPECT_TRUE(unset.error().message.find("KUBERNETES_SERVICE_HOST") != std::string::npos);
    EXPECT_FALSE(vk::kubernetes::in_cluster_server("10.96.0.1", ""));
}

}  // namespace
