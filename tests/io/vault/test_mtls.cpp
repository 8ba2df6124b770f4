// Issue 15, "Test the paths that are not tested yet: mutual TLS to Vault": a vault-sim that requires a client
// certificate (--tls-client-ca) accepts the Vault client configured with tls.cert_file/key_file, and refuses
// one without a certificate or with a certificate its CA did not sign.
#include "vault/sys.hpp"
#include "vault_env.hpp"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace vk::test {
namespace {

namespace fs = std::filesystem;

struct cert_pair
{
    std::string cert, key;
};

// A self-signed certificate (its own CA) for 127.0.0.1, in a per-process temp dir.
cert_pair make_cert(const std::string& tag)
{
    auto dir = fs::temp_directory_path() / ("vk-vault-mtls-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    cert_pair p{(dir / (tag + ".pem")).string(), (dir / (tag + ".key")).string()};
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                      " -subj /CN=" +
                      tag + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " + p.key + " -out " +
                      p.cert + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0)
        throw std::runtime_error("openssl could not create the test certificate");
    return p;
}

struct mtls_env
{
    cert_pair server = make_cert("server");
    cert_pair client = make_cert("client");      // trusted by the sim
    cert_pair stranger = make_cert("stranger");  // signed by nobody the sim trusts
    std::unique_ptr<sim_process> sim =
        dev_vault(1, {"--tls-cert", server.cert, "--tls-key", server.key, "--tls-client-ca", client.cert});

    vault_config config(const cert_pair* identity) const
    {
        auto cfg = token_config(*sim);
        cfg.address = "https://127.0.0.1:" + std::to_string(sim->port(0));
        cfg.tls.ca_file = server.cert;
        if (identity)
        {
            cfg.tls.cert_file = identity->cert;
            cfg.tls.key_file = identity->key;
        }
        cfg.request_timeout = std::chrono::seconds(5);
        return cfg;
    }
};

boost::asio::awaitable<result<vault::token_info>> start_with(const vault_config& cfg)
{
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    co_return co_await c->start();
}

ASYNC_TEST(vault_mtls, client_certificate_is_presented_and_accepted)
{
    mtls_env env;
    auto c = co_await started_client(env.config(&env.client));
    auto h = co_await vault::sys_health(*c);
    EXPECT_TRUE(h && h->status == 200) << (h ? "" : h.error().describe());
}

ASYNC_TEST(vault_mtls, no_client_certificate_is_refused)
{
    mtls_env env;
    auto r = co_await start_with(env.config(nullptr));
    EXPECT_FALSE(r.has_value());
    if (!r)
    {
        EXPECT_EQ(r.error().code, errc::transport_error) << r.error().describe();
    }
}

ASYNC_TEST(vault_mtls, a_certificate_from_another_ca_is_refused)
{
    mtls_env env;
    auto r = co_await start_with(env.config(&env.stranger));
    EXPECT_FALSE(r.has_value());
    if (!r)
    {
        EXPECT_EQ(r.error().code, errc::transport_error) << r.error().describe();
    }
}

}  // namespace
}  // namespace vk::test
