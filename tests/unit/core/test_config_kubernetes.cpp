// Config of Kubernetes: the "kubernetes" block (in_cluster, kubeconfig, explicit; exactly one form) and
// ha.kubernetes (Lease timings, lease names, replica_id from POD_NAME), every problem at its pointer.
#include <gtest/gtest.h>

#include <unistd.h>

#include "../config_problems.hpp"
#include "core/config.hpp"
#include "core/config_reload.hpp"

namespace {

const vk::kind_parsers k8s_no_kinds;

std::string k8s_doc(const std::string& clusters, const std::string& rest = "")
{
    return R"({"admin": {"token": "0123456789abcdef"},
        "consuls": {"main": {"address": "http://127.0.0.1:8500"}}, "kubernetes": )" +
           clusters + rest + "}";
}

const std::string one_cluster = R"({"c": {"in_cluster": true}})";

std::string ha_doc(const std::string& ha, const std::string& jobs = "[]")
{
    return k8s_doc(one_cluster, R"(, "ha": )" + ha + R"(, "jobs": )" + jobs);
}

vk::config parse_ok(const std::string& text, const vk::config_inputs& inputs = vk::host_inputs())
{
    auto r = vk::parse_config(text, "cfg.json", k8s_no_kinds, inputs);
    if (!r)
        ADD_FAILURE() << r.error().render();
    return r ? std::move(*r) : vk::config{};
}

std::vector<std::string> problems(const std::string& text)
{
    return vk::test::config_problems_of(text, k8s_no_kinds);
}

std::string host_name()
{
    char host[256] = {};
    EXPECT_EQ(::gethostname(host, sizeof host - 1), 0);
    return host;
}

TEST(config_kubernetes, the_three_forms)
{
    auto cfg = parse_ok(k8s_doc(R"({
        "pod": {"in_cluster": true, "service_account_dir": "/tmp/sa"},
        "laptop": {"kubeconfig": "/home/me/.kube/config", "context": "kind"},
        "plain": {"api_server": "https://127.0.0.1:6443", "token": "tok", "ca_file": "/ca.pem"}})"));
    ASSERT_EQ(cfg.kubernetes.size(), 3u);
    const auto& pod = cfg.kubernetes.at("pod");
    EXPECT_TRUE(pod.in_cluster);
    EXPECT_EQ(pod.name, "pod");
    EXPECT_EQ(pod.service_account_dir, "/tmp/sa");
    const auto& laptop = cfg.kubernetes.at("laptop");
    EXPECT_FALSE(laptop.in_cluster);
    EXPECT_EQ(laptop.kubeconfig, "/home/me/.kube/config");
    EXPECT_EQ(laptop.context, "kind");
    const auto& plain = cfg.kubernetes.at("plain");
    EXPECT_EQ(plain.api_server, "https://127.0.0.1:6443");
    ASSERT_TRUE(plain.token);
    EXPECT_EQ(plain.token->reveal(), "tok");
    EXPECT_EQ(plain.ca_file, "/ca.pem");
}

TEST(config_kubernetes, in_cluster_defaults_to_the_service_account_mount)
{
    auto cfg = parse_ok(k8s_doc(one_cluster));
    EXPECT_EQ(cfg.kubernetes.at("c").service_account_dir, "/var/run/secrets/kubernetes.io/serviceaccount");
}

TEST(config_kubernetes, a_token_file_is_a_file_backed_secret)
{
    auto inputs = vk::test::table_inputs({{"/run/k8s-token", "from-file\n"}}, {});
    auto cfg = parse_ok(
        k8s_doc(R"({"c": {"api_server": "https://127.0.0.1:6443", "token": {"file": "/run/k8s-token"}}})"),
        inputs);
    const auto& token = *cfg.kubernetes.at("c").token;
    EXPECT_EQ(token.reveal(), "from-file");
    EXPECT_EQ(token.source(), "file /run/k8s-token");
}

TEST(config_kubernetes, no_form_is_a_problem_at_the_entry)
{
    auto ps = problems(k8s_doc(R"({"c": {"in_cluster": false}})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/kubernetes/c: give one of \"in_cluster\": true, kubeconfig"))
        << ::testing::PrintToString(ps);
}

TEST(config_kubernetes, two_forms_are_a_problem_at_the_second)
{
    auto ps = problems(k8s_doc(R"({"c": {"in_cluster": true, "kubeconfig": "/k"}})"));
    EXPECT_EQ(ps, std::vector<std::string>{
                      "/kubernetes/c/kubeconfig: cannot be given with in_cluster: use one form"});
}

TEST(config_kubernetes, keys_of_another_form_are_refused)
{
    auto ps = problems(k8s_doc(R"({"c": {"kubeconfig": "/k", "token": "t", "service_account_dir": "/sa"}})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/kubernetes/c/token: only goes with api_server"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/kubernetes/c/service_account_dir: only goes with in_cluster"));
    auto ctx = problems(k8s_doc(R"({"c": {"in_cluster": true, "context": "x"}})"));
    EXPECT_EQ(ctx, std::vector<std::string>{"/kubernetes/c/context: only goes with kubeconfig"});
}

TEST(config_kubernetes, explicit_form_needs_a_url_and_a_token)
{
    auto ps = problems(k8s_doc(R"({"c": {"api_server": "127.0.0.1:6443"}})"));
    EXPECT_TRUE(vk::test::mentions(
        ps, "/kubernetes/c/api_server: \"127.0.0.1:6443\" is not an http:// or https:// URL"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/kubernetes/c/token: missing required field"));
}

TEST(config_kubernetes, unknown_keys_are_reported)
{
    auto ps = problems(k8s_doc(R"({"c": {"in_cluster": true, "namespace": "x"}})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/kubernetes/c/namespace: unknown key"))
        << ::testing::PrintToString(ps);
}

TEST(config_ha_kubernetes, defaults)
{
    auto cfg = parse_ok(ha_doc(R"({"kubernetes": "c", "replica_id": "r1"})"));
    ASSERT_TRUE(cfg.ha);
    EXPECT_EQ(cfg.ha->kubernetes, "c");
    EXPECT_EQ(cfg.ha->consul, "");
    EXPECT_EQ(cfg.ha->namespace_, "");
    EXPECT_EQ(cfg.ha->lease_prefix, "vaultkeeper-");
    EXPECT_EQ(cfg.ha->lease_duration, std::chrono::seconds(15));
    EXPECT_EQ(cfg.ha->renew_deadline, std::chrono::seconds(10));
    EXPECT_EQ(cfg.ha->retry_period, std::chrono::seconds(2));
    EXPECT_EQ(cfg.ha->replica_id, "r1");
}

TEST(config_ha_kubernetes, every_setting)
{
    auto cfg = parse_ok(ha_doc(R"({"kubernetes": "c", "namespace": "vault", "lease_prefix": "vk.",
        "lease_duration": "30s", "renew_deadline": "20s", "retry_period": "5s"})"));
    EXPECT_EQ(cfg.ha->namespace_, "vault");
    EXPECT_EQ(cfg.ha->lease_prefix, "vk.");
    EXPECT_EQ(cfg.ha->lease_duration, std::chrono::seconds(30));
    EXPECT_EQ(cfg.ha->renew_deadline, std::chrono::seconds(20));
    EXPECT_EQ(cfg.ha->retry_period, std::chrono::seconds(5));
}

TEST(config_ha_kubernetes, replica_id_is_pod_name_when_set)
{
    auto with_pod = vk::test::table_inputs({}, {{"POD_NAME", "vaultkeeper-0"}});
    EXPECT_EQ(parse_ok(ha_doc(R"({"kubernetes": "c"})"), with_pod).ha->replica_id, "vaultkeeper-0");
    auto without = vk::test::table_inputs({}, {});
    EXPECT_EQ(parse_ok(ha_doc(R"({"kubernetes": "c"})"), without).ha->replica_id, host_name());
    // Consul keeps "<hostname>-<pid>", whatever POD_NAME says.
    auto consul = parse_ok(ha_doc(R"({"consul": "main", "key": "vk/locks"})"), with_pod);
    EXPECT_EQ(consul.ha->replica_id, host_name() + "-" + std::to_string(::getpid()));
}

TEST(config_ha_kubernetes, unknown_cluster)
{
    auto ps = problems(ha_doc(R"({"kubernetes": "nope"})"));
    EXPECT_EQ(ps, std::vector<std::string>{
                      "/ha/kubernetes: no kubernetes cluster named \"nope\" is defined under /kubernetes"});
}

TEST(config_ha_kubernetes, consul_and_kubernetes_together)
{
    auto ps = problems(ha_doc(R"({"consul": "main", "key": "k", "kubernetes": "c"})"));
    EXPECT_EQ(ps, std::vector<std::string>{"/ha/kubernetes: cannot be given with consul: locks are Consul "
                                           "sessions or Kubernetes Leases"});
}

TEST(config_ha_kubernetes, keys_of_the_other_lock_are_refused)
{
    auto ps = problems(ha_doc(R"({"kubernetes": "c", "key": "k", "session_ttl": "30s"})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/ha/key: only goes with consul")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/ha/session_ttl: only goes with consul"));
    auto consul =
        problems(ha_doc(R"({"consul": "main", "key": "k", "lease_prefix": "x-", "namespace": "n"})"));
    EXPECT_TRUE(vk::test::mentions(consul, "/ha/lease_prefix: only goes with kubernetes"))
        << ::testing::PrintToString(consul);
    EXPECT_TRUE(vk::test::mentions(consul, "/ha/namespace: only goes with kubernetes"));
}

TEST(config_ha_kubernetes, neither_lock_names_the_consul_field)
{
    auto ps = problems(ha_doc(R"({"replica_id": "r"})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/ha/consul: missing required field")) << ::testing::PrintToString(ps);
}

TEST(config_ha_kubernetes, lease_timing_rule)
{
    auto renew = problems(ha_doc(R"({"kubernetes": "c", "lease_duration": "10s", "renew_deadline": "10s"})"));
    EXPECT_EQ(renew, std::vector<std::string>{"/ha/lease_duration: must be longer than renew_deadline "
                                              "(lease_duration > renew_deadline > 1.2 x retry_period, as "
                                              "client-go requires)"});
    auto retry = problems(ha_doc(R"({"kubernetes": "c", "renew_deadline": "6s", "retry_period": "5s"})"));
    EXPECT_EQ(retry, std::vector<std::string>{"/ha/renew_deadline: must be longer than 1.2 x retry_period "
                                              "(lease_duration > renew_deadline > 1.2 x retry_period, as "
                                              "client-go requires)"});
    // Just above 1.2 x passes.
    parse_ok(ha_doc(R"({"kubernetes": "c", "renew_deadline": "6001ms", "retry_period": "5s"})"));
    auto zero = problems(ha_doc(R"({"kubernetes": "c", "retry_period": "0s"})"));
    EXPECT_TRUE(vk::test::mentions(zero, "/ha/retry_period: must be positive"))
        << ::testing::PrintToString(zero);
}

TEST(config_ha_kubernetes, lease_prefix_and_namespace_must_suit_object_names)
{
    auto ps = problems(ha_doc(R"({"kubernetes": "c", "lease_prefix": "VK_", "namespace": "Vault"})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/ha/lease_prefix: must start a Kubernetes object name"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/ha/namespace: must be a Kubernetes namespace name"));
}

TEST(config_ha_kubernetes, any_job_name_is_accepted_its_lease_name_is_made_valid)
{
    // kubernetes/model/lease_wire.hpp lease_name: lowercased, other characters as '-', a hash appended.
    auto ps = problems(ha_doc(R"({"kubernetes": "c"})", R"([{"name": "Sync_A", "kind": "x"}])"));
    for (const auto& p : ps)
        EXPECT_EQ(p.find("/jobs/0/name"), std::string::npos) << p;
}

}  // namespace

namespace {

const vk::kind_parsers cluster_kinds = {
    {"demo",
     [](vk::object_reader& r, const vk::config&) -> std::shared_ptr<const vk::job_settings> {
         r.string("cluster");
         return std::make_shared<vk::job_settings>();
     }},
};

vk::config with_clusters(const std::string& a_dir, const std::string& ha)
{
    auto text = k8s_doc(R"({"a": {"in_cluster": true, "service_account_dir": ")" + a_dir + R"("},
                           "b": {"in_cluster": true}})",
                        R"(, "ha": )" + ha + R"(, "jobs": [{"name": "uses-a", "kind": "demo", "cluster": "a"},
                           {"name": "uses-b", "kind": "demo", "cluster": "b"}])");
    auto r = vk::parse_config(text, "cfg.json", cluster_kinds);
    if (!r)
        ADD_FAILURE() << r.error().render();
    return r ? std::move(*r) : vk::config{};
}

TEST(config_reload_kubernetes, a_changed_cluster_restarts_the_jobs_naming_it)
{
    const std::string consul_ha = R"({"consul": "main", "key": "k"})";
    auto old = with_clusters("/sa", consul_ha);
    EXPECT_EQ(vk::jobs_hit_by_shared_changes(old, with_clusters("/other", consul_ha)),
              std::vector<std::string>{"uses-a"});
    EXPECT_TRUE(vk::jobs_hit_by_shared_changes(old, with_clusters("/sa", consul_ha)).empty());
}

TEST(config_reload_kubernetes, the_ha_cluster_changing_restarts_every_job)
{
    const std::string lease_ha = R"({"kubernetes": "b"})";
    auto old = with_clusters("/sa", lease_ha);
    auto next = with_clusters("/sa", lease_ha);
    next.resolved.as_object()["kubernetes"].as_object()["b"].as_object()["service_account_dir"] = "/x";
    EXPECT_EQ(vk::jobs_hit_by_shared_changes(old, next).size(), 2u);
}

}  // namespace
