// The keeper kind's config keys: stores of each type, and every mistake at its JSON pointer (unknown store
// type, a KEK that is not 32 bytes, a placement that would let one store reach the threshold).
#include "../config_problems.hpp"
#include "keeper/model/settings.hpp"

#include <gtest/gtest.h>

namespace {

const vk::kind_parsers keeper_kinds = {{"keeper", vk::keeper::parse_settings}};
const std::string kek_hex(64, 'a');
const std::string kek_b64 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";  // 32 bytes

std::string file_at(const std::string& name, const std::string& path, const std::string& kek = kek_hex)
{
    return R"({"name": ")" + name + R"(", "type": "file", "path": ")" + path + R"(", "kek": ")" + kek +
           R"("})";
}

std::string file_store(const std::string& name, const std::string& kek = kek_hex)
{
    return file_at(name, "/var/lib/vk/" + name, kek);
}

std::string job(const std::string& stores,
                const std::string& extra = R"("init": {"secret_shares": 5, "secret_threshold": 3})")
{
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"v": {"address": "http://127.0.0.1:1", "token": "t"}},
               "jobs": [{"name": "k", "kind": "keeper", "vault": "v", )" +
           extra + R"(, "stores": [)" + stores + "]}]}";
}

std::vector<std::string> keeper_problems(const std::string& text)
{
    return vk::test::config_problems_of(text, keeper_kinds);
}

}  // namespace

TEST(keeper_settings, three_stores_of_both_types)
{
    auto text = job(file_store("a") + "," + file_store("b", kek_b64) +
                        R"(, {"name": "k8s", "type": "kubernetes", "api_server": "https://127.0.0.1:6443",
                          "namespace": "vault", "token": "tok", "ca_file": "/ca.pem"})",
                    R"("nodes": ["http://127.0.0.1:8200"], "init": {"secret_shares": 5, "secret_threshold": 3,
                       "root_token": "store"}, "rekey_interval": "1h")");
    auto r = vk::parse_config(text, "cfg.json", keeper_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::keeper::keeper_settings&>(*r->jobs.at(0).settings);
    ASSERT_EQ(s.stores.size(), 3u);
    EXPECT_EQ(std::get<vk::keeper::file_store_settings>(s.stores[0]).kek.current.reveal().size(), 32u);
    EXPECT_EQ(std::get<vk::keeper::file_store_settings>(s.stores[1]).kek.current.reveal(),
              "0123456789abcdef0123456789abcdef");
    const auto& k = std::get<vk::keeper::kubernetes_store_settings>(s.stores[2]);
    EXPECT_EQ(k.ns, "vault");
    EXPECT_EQ(k.token.reveal(), "tok");
    EXPECT_EQ(k.ca_file, "/ca.pem");
    EXPECT_EQ(s.init->root_token, vk::keeper::root_token_policy::store);
    EXPECT_EQ(s.rekey_interval, std::chrono::hours(1));
    EXPECT_EQ(s.nodes.size(), 1u);
}

TEST(keeper_settings, unknown_store_type_at_its_pointer)
{
    auto ps =
        keeper_problems(job(file_store("a") + "," + file_store("b") + R"(, {"name": "c", "type": "ftp"})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/2/type: unknown store type \"ftp\""))
        << ::testing::PrintToString(ps);
}

TEST(keeper_settings, kek_of_the_wrong_length_is_a_load_error_without_the_value)
{
    auto ps =
        keeper_problems(job(file_store("a", "c2hvcnQ=") + "," + file_store("b") + "," + file_store("c")));
    ASSERT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/kek: must be 32 bytes"))
        << ::testing::PrintToString(ps);
    EXPECT_FALSE(vk::test::mentions(ps, "c2hvcnQ="));
}

TEST(keeper_settings, placement_that_cannot_hold_is_rejected)
{
    // 2 stores for 5 shares: one store holds 3 = the threshold.
    auto ps = keeper_problems(job(file_store("a") + "," + file_store("b")));
    EXPECT_TRUE(
        vk::test::mentions(ps, "/jobs/0/stores: 2 store(s) for 5 shares would put 3 shards in one store"))
        << ::testing::PrintToString(ps);
    // threshold 1: any shard unseals alone.
    ps = keeper_problems(job(file_store("a") + "," + file_store("b"),
                             R"("init": {"secret_shares": 2, "secret_threshold": 1})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores:")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(
        keeper_problems(job(file_store("a") + "," + file_store("b") + "," + file_store("c"))).empty());
}

TEST(keeper_settings, placement_that_one_lost_store_breaks_is_rejected)
{
    auto three = file_store("a") + "," + file_store("b") + "," + file_store("c");
    auto ps = keeper_problems(job(three, R"("init": {"secret_shares": 4, "secret_threshold": 3})"));
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores: 3 store(s) for 4 shares leave 2 shards once the "
                                       "fullest store (2) is lost"))
        << ::testing::PrintToString(ps);
}

TEST(keeper_settings, custodians_are_checked_at_their_pointers)
{
    auto three = file_store("a") + "," + file_store("b") + "," + file_store("c");
    auto ps = keeper_problems(job(three, R"("init": {"secret_shares": 5, "secret_threshold": 1},
        "custodians": [{"name": "alice", "pgp_public_key_file": "/etc/vk/alice.asc"},
                       {"name": "alice", "pgp_public_key_file": "/etc/vk/bob.asc"}, {"name": "b/c"}],
        "custodians_can_recover": true)"));
    for (const char* needle :
         {"/jobs/0/custodians/1/name: another custodian has this name", "/jobs/0/custodians/2/name: must be",
          "/jobs/0/custodians/2/pgp_public_key_file:", "/jobs/0/custodians/0: this custodian's one share",
          "/jobs/0/stores: 3 store(s) for 2 shares (5 minus one per custodian)"})
        EXPECT_TRUE(vk::test::mentions(ps, needle)) << needle << " in " << ::testing::PrintToString(ps);
    ps = keeper_problems(job(three, R"("init": {"secret_shares": 8, "secret_threshold": 3},
        "custodians": [{"name": "alice", "pgp_public_key_file": "/etc/vk/alice.asc"},
                       {"name": "bob", "pgp_public_key_file": "/etc/vk/bob.asc"}],
        "custodians_can_recover": true)"));
    EXPECT_TRUE(
        vk::test::mentions(ps, "/jobs/0/custodians_can_recover: the custodians hold 2 of the threshold"))
        << ::testing::PrintToString(ps);
}

TEST(keeper_settings, other_mistakes)
{
    auto ps = keeper_problems(job(
        file_store("a") + "," + file_store("a") +
            R"(, {"name": "x", "type": "file", "path": "rel", "kek": ")" + kek_hex +
            R"("}, {"name": "y", "type": "kubernetes", "api_server": "ftp://x", "namespace": "Bad_NS", "token": "t"})",
        R"("nodes": ["vault-0:8200"], "init": {"secret_shares": 2, "secret_threshold": 3, "root_token": "keep"})"));
    for (const char* needle :
         {"/jobs/0/stores/1/name: another store has this name", "/jobs/0/stores/2/path: must be an absolute",
          "/jobs/0/stores/3/api_server:", "/jobs/0/stores/3/namespace:", "/jobs/0/nodes:",
          "/jobs/0/init/secret_threshold: must not exceed", "/jobs/0/init/root_token:"})
        EXPECT_TRUE(vk::test::mentions(ps, needle)) << needle << " in " << ::testing::PrintToString(ps);
    ps = keeper_problems(
        R"({"admin": {"token": "0123456789abcdef"}, "jobs": [{"name": "k", "kind": "keeper", "vault": "nope", "stores": []}]})");
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/vault: no vault named")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores: at least one store")) << ::testing::PrintToString(ps);
}

namespace {

std::string with_cluster(const std::string& store)
{
    auto text = job(file_store("a") + "," + file_store("b") + "," + store);
    return text.insert(text.find("\"jobs\""), R"("kubernetes": {"home": {"in_cluster": true}}, )");
}

}  // namespace

TEST(keeper_settings, kubernetes_store_by_reference_to_a_cluster)
{
    auto r = vk::parse_config(with_cluster(R"({"name": "k8s", "type": "kubernetes", "kubernetes": "home"})"),
                              "cfg.json", keeper_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::keeper::keeper_settings&>(*r->jobs.at(0).settings);
    const auto& k = std::get<vk::keeper::kubernetes_store_settings>(s.stores[2]);
    ASSERT_TRUE(k.cluster);
    EXPECT_EQ(k.cluster->name, "home");
    EXPECT_TRUE(k.cluster->in_cluster);
    EXPECT_EQ(k.ns, "");  // the cluster's default namespace, resolved with its access
}

TEST(keeper_settings, kubernetes_store_reference_and_inline_access_together)
{
    auto ps = keeper_problems(with_cluster(R"({"name": "k8s", "type": "kubernetes", "kubernetes": "home",
        "api_server": "https://127.0.0.1:6443", "token": "t", "namespace": "vault"})"));
    EXPECT_TRUE(vk::test::mentions(
        ps, "/jobs/0/stores/2/api_server: cannot be given with kubernetes (the cluster's access is used)"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/2/token: cannot be given with kubernetes"));
    EXPECT_FALSE(vk::test::mentions(ps, "namespace"));
}

TEST(keeper_settings, kubernetes_store_reference_to_an_unknown_cluster)
{
    auto ps = keeper_problems(with_cluster(R"({"name": "k8s", "type": "kubernetes", "kubernetes": "away"})"));
    EXPECT_EQ(ps,
              std::vector<std::string>{"/jobs/0/stores/2/kubernetes: no kubernetes cluster named \"away\" is "
                                       "defined under /kubernetes"});
}

namespace {

// Two keeper jobs "k1" and "k2" with these stores each, the clusters `clusters` under /kubernetes.
std::string two_jobs(const std::string& stores1, const std::string& stores2,
                     const std::string& clusters = "{}")
{
    auto one = [](const std::string& name, const std::string& stores) {
        return R"({"name": ")" + name + R"(", "kind": "keeper", "vault": "v", "stores": [)" + stores + "]}";
    };
    return R"({"admin": {"token": "0123456789abcdef"}, "kubernetes": )" + clusters + R"(,
               "vaults": {"v": {"address": "http://127.0.0.1:1", "token": "t"}},
               "jobs": [)" +
           one("k1", stores1) + ", " + one("k2", stores2) + "]}";
}

std::string k8s_inline(const std::string& name, const std::string& api_server, const std::string& ns)
{
    return R"({"name": ")" + name + R"(", "type": "kubernetes", "api_server": ")" + api_server +
           R"(", "namespace": ")" + ns + R"(", "token": "t"})";
}

// A store naming a cluster of /kubernetes; ns "" leaves the namespace out (the cluster's default).
std::string k8s_named(const std::string& name, const std::string& cluster, const std::string& ns = "")
{
    return R"({"name": ")" + name + R"(", "type": "kubernetes", "kubernetes": ")" + cluster + "\"" +
           (ns.empty() ? "" : R"(, "namespace": ")" + ns + "\"") + "}";
}

const std::string overwrite = ": two stores would overwrite each other's objects";

}  // namespace

TEST(keeper_settings, two_stores_of_a_job_in_one_directory_are_refused_at_the_second)
{
    auto ps = keeper_problems(
        job(file_at("a", "/srv/a") + "," + file_at("b", "/srv/b") + "," + file_at("c", "/srv/./a/")));
    EXPECT_EQ(
        ps, std::vector<std::string>{"/jobs/0/stores/2/path: the same directory as store \"a\"" + overwrite})
        << ::testing::PrintToString(ps);
}

TEST(keeper_settings, a_store_in_the_directory_of_an_earlier_jobs_store_is_refused)
{
    auto ps = keeper_problems(
        two_jobs(file_at("a", "/srv/k1"), file_at("b", "/srv/k2") + "," + file_at("c", "/srv/x/../k1//")));
    EXPECT_EQ(ps, std::vector<std::string>{"/jobs/1/stores/1/path: the same directory as store \"a\" of job "
                                           "\"k1\"" +
                                           overwrite})
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(keeper_problems(two_jobs(file_at("a", "/srv/k1"), file_at("a", "/srv/k1/a"))).empty());
}

TEST(keeper_settings, a_disabled_job_still_holds_its_directories)
{
    auto text = two_jobs(file_at("a", "/srv/k1"), file_at("b", "/srv/k1"));
    text.insert(text.find(R"("name": "k1")"), R"("enabled": false, )");
    EXPECT_TRUE(vk::test::mentions(keeper_problems(text),
                                   "/jobs/1/stores/0/path: the same directory as store "
                                   "\"a\" of job \"k1\""));
}

TEST(keeper_settings, kubernetes_stores_in_one_namespace_of_one_api_server_are_refused)
{
    auto ps = keeper_problems(two_jobs(k8s_inline("a", "https://k8s.example:6443", "vault"),
                                       k8s_inline("b", "https://K8s.Example:6443/", "vault")));
    EXPECT_EQ(
        ps, std::vector<std::string>{"/jobs/1/stores/0/namespace: the same namespace of the same cluster as "
                                     "store \"a\" of job \"k1\"" +
                                     overwrite})
        << ::testing::PrintToString(ps);
    // An inline store and a cluster entry with that api_server: the entry's default namespace is "default".
    const std::string explicit_cluster =
        R"({"dr": {"api_server": "https://k8s.example", "token": "t", "ca_file": "/ca.pem"}})";
    ps = keeper_problems(two_jobs(k8s_inline("a", "https://k8s.example:443", "default"), k8s_named("b", "dr"),
                                  explicit_cluster));
    EXPECT_EQ(ps, std::vector<std::string>{"/jobs/1/stores/0/namespace: the same namespace (the cluster's "
                                           "default) of the same cluster as store \"a\" of job \"k1\"" +
                                           overwrite})
        << ::testing::PrintToString(ps);
}

TEST(keeper_settings, kubernetes_stores_naming_one_cluster_and_namespace_are_refused)
{
    const std::string clusters = R"({"home": {"in_cluster": true}, "also-home": {"in_cluster": true},
        "kc": {"kubeconfig": "/etc/kube/config", "context": "prod"}})";
    auto ps =
        keeper_problems(two_jobs(k8s_named("a", "home", "vault") + "," + k8s_named("b", "home", "vault"),
                                 k8s_named("c", "also-home", "vault"), clusters));
    EXPECT_EQ(
        ps,
        (std::vector<std::string>{
            "/jobs/0/stores/1/namespace: the same namespace of the same cluster as store \"a\"" + overwrite,
            "/jobs/1/stores/0/namespace: the same namespace of the same cluster as store \"a\" of job "
            "\"k1\"" +
                overwrite}))
        << ::testing::PrintToString(ps);
    // Both on the default namespace of one kubeconfig context (read from the file only at run time).
    ps = keeper_problems(two_jobs(k8s_named("a", "kc"), k8s_named("b", "kc"), clusters));
    EXPECT_TRUE(
        vk::test::mentions(ps, "/jobs/1/stores/0/namespace: the same namespace (the cluster's default)"))
        << ::testing::PrintToString(ps);
}

TEST(keeper_settings, stores_in_other_namespaces_clusters_or_directories_are_fine)
{
    const std::string clusters = R"({"home": {"in_cluster": true},
        "sa2": {"in_cluster": true, "service_account_dir": "/var/run/other"},
        "kc": {"kubeconfig": "/etc/kube/config", "context": "prod"},
        "kc-dev": {"kubeconfig": "/etc/kube/config", "context": "dev"}})";
    auto ps = keeper_problems(two_jobs(
        k8s_inline("a", "https://k8s.example", "vault") + "," + k8s_named("b", "home", "vault") + "," +
            k8s_named("c", "kc", "vault") + "," + file_at("d", "/srv/a"),
        k8s_inline("e", "https://k8s.example", "vault-2") + "," +
            k8s_inline("f", "https://k8s-dr.example", "vault") + "," + k8s_named("g", "home", "other") + "," +
            k8s_named("h", "kc-dev", "vault") + "," + k8s_named("i", "home") + "," + k8s_named("j", "sa2") +
            "," + file_at("k", "/srv/a/b") + "," + file_at("l", "/srv"),
        clusters));
    EXPECT_TRUE(ps.empty()) << ::testing::PrintToString(ps);
}
