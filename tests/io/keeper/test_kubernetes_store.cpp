// kubernetes_store against k8s-sim as a child process: create/read/CAS/remove/list over TLS with the sim's
// CA, conflicts from another writer, objects that are not ours, token rejection and rotation, no secret in
// errors.
#include "async_test.hpp"
#include "core/base64.hpp"
#include "keeper/kubernetes_store.hpp"
#include "keeper/model/settings.hpp"
#include "sim_process.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

using namespace vk;
using namespace vk::test;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr const char* ns = "vault";
const std::string token = "sa-token-for-io-tests";

// Per-process scratch dir with a certificate for 127.0.0.1 (openssl CLI, as the other TLS tests do).
const fs::path& scratch()
{
    static const fs::path dir = [] {
        auto d = fs::temp_directory_path() / ("vk-k8s-store-" + std::to_string(::getpid()));
        fs::create_directories(d);
        const std::string cmd =
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
            " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
            (d / "key.pem").string() + " -out " + (d / "cert.pem").string() + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error("openssl could not create the test certificate");
        return d;
    }();
    return dir;
}

void write_file(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::trunc) << text;
}

std::string slurp_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// k8s-sim over TLS (tls = true) or plain HTTP (the /_sim/ controls of sim_process speak plain HTTP only).
struct k8s
{
    fs::path token_file;
    sim_process sim;

    explicit k8s(bool tls)
        : token_file(scratch() / ("token-" + std::to_string(std::rand()))),
          sim("k8s-sim", args(tls, token_file))
    {
    }

    static std::vector<std::string> args(bool tls, const fs::path& token_file)
    {
        write_file(token_file, token + "\n");
        std::vector<std::string> a{"--token-file", token_file.string()};
        if (tls)
            a.insert(a.end(), {"--tls-cert", (scratch() / "cert.pem").string(), "--tls-key",
                               (scratch() / "key.pem").string()});
        return a;
    }

    std::string url(bool tls) const
    {
        return (tls ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(sim.port());
    }

    // A Secret written by someone else (no vaultkeeper label), straight through the API.
    int create_foreign(const std::string& name) const
    {
        return http_call(sim.port(), "POST", std::string("/api/v1/namespaces/") + ns + "/secrets",
                         R"({"metadata":{"name":")" + name + R"("},"data":{"value":"Zm9yZWlnbg=="}})",
                         {"Authorization: Bearer " + token, "Content-Type: application/json"})
            .status;
    }
};

keeper::kubernetes_store_settings settings(std::string api_server, secret tok, std::string ca_file)
{
    keeper::kubernetes_store_settings s;
    s.name = "k8s";
    s.api_server = std::move(api_server);
    s.ns = ns;
    s.token = std::move(tok);
    if (!ca_file.empty())
        s.ca_file = std::move(ca_file);
    return s;
}

std::shared_ptr<keeper::shard_store> tls_store(asio::any_io_executor ex, const k8s& env)
{
    auto tok = secret(token, "file " + env.token_file.string());
    return keeper::make_kubernetes_store(settings(env.url(true), tok, (scratch() / "cert.pem").string()), ex);
}

std::shared_ptr<keeper::shard_store> plain_store(asio::any_io_executor ex, const k8s& env, secret tok)
{
    return keeper::make_kubernetes_store(settings(env.url(false), std::move(tok), ""), ex);
}

}  // namespace

ASYNC_TEST(kubernetes_store, create_read_cas_remove_over_tls)
{
    k8s env(true);
    auto ex = co_await asio::this_coro::executor;
    auto store = tls_store(ex, env);
    EXPECT_TRUE(store->supports_cas());
    EXPECT_EQ(store->name(), "k8s");
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes += static_cast<char>(i);
    auto v1 = co_await store->put("shard-a-1", bytes, std::string());
    EXPECT_TRUE(v1.has_value());
    auto again = co_await store->put("shard-a-1", "other", std::string());
    EXPECT_TRUE(!again && again.error().is(errc::conflict));
    auto read = co_await store->get("shard-a-1");
    EXPECT_TRUE(read && read->data == bytes && read->version == *v1 && read->name == "shard-a-1");
    auto v2 = co_await store->put("shard-a-1", "second", *v1);
    EXPECT_TRUE(v2 && *v2 != *v1);
    auto stale = co_await store->put("shard-a-1", "third", *v1);
    EXPECT_TRUE(!stale && stale.error().is(errc::conflict));
    auto names = co_await store->list();
    EXPECT_TRUE(names && *names == std::vector<std::string>{"shard-a-1"});
    auto stale_remove = co_await store->remove("shard-a-1", *v1);
    EXPECT_TRUE(!stale_remove && stale_remove.error().is(errc::conflict));
    EXPECT_TRUE(co_await store->remove("shard-a-1", *v2));
    auto gone = co_await store->get("shard-a-1");
    EXPECT_TRUE(!gone && gone.error().is(errc::not_found));
    // Absent is success, whatever version was expected.
    EXPECT_TRUE(co_await store->remove("shard-a-1", std::nullopt));
    EXPECT_TRUE(co_await store->remove("shard-a-1", *v2));
    auto empty = co_await store->list();
    EXPECT_TRUE(empty && empty->empty());
}

ASYNC_TEST(kubernetes_store, unconditional_put_creates_then_overwrites)
{
    k8s env(true);
    auto ex = co_await asio::this_coro::executor;
    auto store = tls_store(ex, env);
    auto v1 = co_await store->put("state", "one", std::nullopt);
    auto v2 = co_await store->put("state", "two", std::nullopt);
    EXPECT_TRUE(v1 && v2 && *v1 != *v2);
    auto read = co_await store->get("state");
    EXPECT_TRUE(read && read->data == "two");
    EXPECT_TRUE(co_await store->remove("state", std::nullopt));
    auto gone = co_await store->get("state");
    EXPECT_TRUE(!gone && gone.error().is(errc::not_found));
}

ASYNC_TEST(kubernetes_store, another_writer_in_between_is_a_conflict)
{
    k8s env(true);
    auto ex = co_await asio::this_coro::executor;
    auto mine = tls_store(ex, env);
    auto theirs = tls_store(ex, env);
    EXPECT_TRUE(co_await mine->put("record", "v1", std::string()));
    auto seen = co_await mine->get("record");
    EXPECT_TRUE(co_await theirs->put("record", "changed", std::nullopt));
    auto lost = co_await mine->put("record", "mine", seen->version);
    EXPECT_TRUE(!lost && lost.error().is(errc::conflict));
    auto lost_remove = co_await mine->remove("record", seen->version);
    EXPECT_TRUE(!lost_remove && lost_remove.error().is(errc::conflict));
    auto now = co_await mine->get("record");
    EXPECT_TRUE(now && now->data == "changed");
    // Another writer deleted it: a CAS at the old version conflicts too.
    EXPECT_TRUE(co_await theirs->remove("record", std::nullopt));
    auto vanished = co_await mine->put("record", "mine", now->version);
    EXPECT_TRUE(!vanished && vanished.error().is(errc::conflict));
}

ASYNC_TEST(kubernetes_store, secrets_of_others_are_never_listed_read_overwritten_or_removed)
{
    k8s env(false);
    EXPECT_EQ(env.create_foreign("foreign"), 201);
    auto ex = co_await asio::this_coro::executor;
    auto store = plain_store(ex, env, secret(token));
    EXPECT_TRUE(co_await store->put("ours", "x", std::nullopt));
    auto names = co_await store->list();
    EXPECT_TRUE(names && *names == std::vector<std::string>{"ours"});
    auto read = co_await store->get("foreign");
    EXPECT_TRUE(!read && read.error().is(errc::bad_response));
    auto overwrite = co_await store->put("foreign", "x", std::nullopt);
    EXPECT_TRUE(!overwrite && overwrite.error().is(errc::conflict));
    auto removed = co_await store->remove("foreign", std::nullopt);
    EXPECT_TRUE(!removed && removed.error().is(errc::conflict));
    EXPECT_EQ(http_call(env.sim.port(), "GET", std::string("/api/v1/namespaces/") + ns + "/secrets/foreign",
                        {}, {"Authorization: Bearer " + token})
                  .status,
              200);
}

ASYNC_TEST(kubernetes_store, a_wrong_token_is_permission_denied_and_never_shown)
{
    k8s env(true);
    auto ex = co_await asio::this_coro::executor;
    auto bad = keeper::make_kubernetes_store(
        settings(env.url(true), secret("wrong-token-value"), (scratch() / "cert.pem").string()), ex);
    auto listed = co_await bad->list();
    EXPECT_TRUE(!listed && listed.error().is(errc::permission_denied));
    auto put = co_await bad->put("shard", "SHARD-BYTES-NEVER-LOGGED", std::string());
    EXPECT_TRUE(!put && put.error().is(errc::permission_denied));
    const auto text = listed.error().describe() + put.error().describe();
    EXPECT_EQ(text.find("wrong-token-value"), std::string::npos);
    EXPECT_EQ(text.find("SHARD-BYTES"), std::string::npos);
    auto check = co_await bad->check();
    EXPECT_TRUE(!check && check.error().is(errc::permission_denied));
}

ASYNC_TEST(kubernetes_store, a_rotated_token_file_is_read_again_after_a_401)
{
    k8s env(false);
    auto ex = co_await asio::this_coro::executor;
    auto from_file = plain_store(ex, env, secret(token, "file " + env.token_file.string()));
    auto inline_token = plain_store(ex, env, secret(token));
    EXPECT_TRUE(co_await from_file->list());
    // The kubelet writes a new projected token; the API server accepts only the new one.
    write_file(env.token_file, "rotated-token\n");
    EXPECT_EQ(env.sim.call("POST", "/_sim/k8s/token", R"({"token":"rotated-token"})").status, 200);
    EXPECT_TRUE(co_await from_file->put("after-rotation", "x", std::string()));
    auto stuck = co_await inline_token->list();
    EXPECT_TRUE(!stuck && stuck.error().is(errc::permission_denied));
}

ASYNC_TEST(kubernetes_store, tls_needs_the_sims_ca)
{
    k8s env(true);
    auto ex = co_await asio::this_coro::executor;
    auto untrusting = keeper::make_kubernetes_store(settings(env.url(true), secret(token), ""), ex);
    auto listed = co_await untrusting->list();
    EXPECT_TRUE(!listed && listed.error().is(errc::transport_error));
    EXPECT_TRUE(co_await tls_store(ex, env)->list());
}

ASYNC_TEST(kubernetes_store, check_probes_and_leaves_nothing_behind)
{
    k8s env(true);
    auto ex = co_await asio::this_coro::executor;
    auto store = tls_store(ex, env);
    EXPECT_TRUE(co_await store->check());
    auto names = co_await store->list();
    EXPECT_TRUE(names && names->empty());
}

ASYNC_TEST(kubernetes_store, server_errors_carry_no_data)
{
    k8s env(false);
    auto ex = co_await asio::this_coro::executor;
    auto store = plain_store(ex, env, secret(token));
    EXPECT_EQ(
        env.sim.call("POST", "/_sim/fail", R"({"method":"POST","path":"/api/v1/","status":500,"count":1})")
            .status,
        200);
    auto put = co_await store->put("shard", "SHARD-BYTES-NEVER-LOGGED", std::string());
    EXPECT_TRUE(!put && put.error().is(errc::server_error));
    EXPECT_EQ(put.error().describe().find("SHARD-BYTES"), std::string::npos);
    EXPECT_EQ(put.error().describe().find(token), std::string::npos);
    auto bad_name = co_await store->put("Not_Valid", "x", std::nullopt);
    EXPECT_TRUE(!bad_name && bad_name.error().is(errc::invalid_argument));
}

namespace {

// A store that names a configured cluster; the namespace comes from the cluster.
std::shared_ptr<keeper::shard_store> store_by_reference(asio::any_io_executor ex, kubernetes_config cluster)
{
    keeper::kubernetes_store_settings s;
    s.name = "k8s";
    s.cluster = std::move(cluster);
    return keeper::make_kubernetes_store(s, std::move(ex));
}

// Written through the store by reference, read back by an inline store of namespace `ns` (the cluster's).
asio::awaitable<void> expect_round_trip(keeper::shard_store& store, const k8s& env)
{
    EXPECT_TRUE(co_await store.put("by-reference", "x", std::string()));
    auto ex = co_await asio::this_coro::executor;
    auto listed = co_await tls_store(ex, env)->list();
    EXPECT_TRUE(listed && *listed == std::vector<std::string>{"by-reference"});
}

}  // namespace

// A kubeconfig context with the CA as certificate-authority-data (PEM in memory), a tokenFile and the
// namespace.
ASYNC_TEST(kubernetes_store, by_reference_to_a_kubeconfig_context)
{
    k8s env(true);
    const auto kubeconfig = scratch() / ("kubeconfig-" + std::to_string(env.sim.port()));
    write_file(kubeconfig,
               "current-context: sim\nclusters:\n- name: sim\n  cluster:\n    server: " + env.url(true) +
                   "\n    certificate-authority-data: " + base64_encode(slurp_file(scratch() / "cert.pem")) +
                   "\ncontexts:\n- name: sim\n  context: {cluster: sim, user: sa, namespace: " + ns +
                   "}\nusers:\n- name: sa\n  user: {tokenFile: " + env.token_file.filename().string() +
                   "}\n");
    kubernetes_config cluster;
    cluster.name = "sim";
    cluster.kubeconfig = kubeconfig.string();
    auto ex = co_await asio::this_coro::executor;
    auto store = store_by_reference(ex, cluster);
    co_await expect_round_trip(*store, env);
}

// in_cluster: the service-account folder (token, ca.crt, namespace) and KUBERNETES_SERVICE_HOST/PORT.
ASYNC_TEST(kubernetes_store, by_reference_to_the_in_cluster_service_account)
{
    k8s env(true);
    const auto dir = scratch() / ("sa-" + std::to_string(env.sim.port()));
    fs::create_directories(dir);
    write_file(dir / "token", token + "\n");
    fs::copy_file(scratch() / "cert.pem", dir / "ca.crt", fs::copy_options::overwrite_existing);
    write_file(dir / "namespace", ns);
    ::setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
    ::setenv("KUBERNETES_SERVICE_PORT", std::to_string(env.sim.port()).c_str(), 1);
    kubernetes_config cluster;
    cluster.name = "pod";
    cluster.in_cluster = true;
    cluster.service_account_dir = dir.string();
    auto ex = co_await asio::this_coro::executor;
    auto store = store_by_reference(ex, cluster);
    co_await expect_round_trip(*store, env);
    ::unsetenv("KUBERNETES_SERVICE_HOST");
    ::unsetenv("KUBERNETES_SERVICE_PORT");
}

// A cluster whose files cannot be read: every operation reports it, naming the cluster and the file.
ASYNC_TEST(kubernetes_store, by_reference_to_an_unreadable_kubeconfig)
{
    kubernetes_config cluster;
    cluster.name = "gone";
    cluster.kubeconfig = (scratch() / "no-such-kubeconfig").string();
    auto ex = co_await asio::this_coro::executor;
    auto checked = co_await store_by_reference(ex, cluster)->check();
    EXPECT_TRUE(!checked && checked.error().message.find("kubernetes gone: cannot read the kubeconfig") !=
                                std::string::npos);
}
