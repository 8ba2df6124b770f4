// vault client raft snapshot streamed to a file and restored from it (plain and forced into another
// cluster), and a rekey with verification, including cancel with the nonce.
#include "vault/kv.hpp"
#include "vault/raft.hpp"
#include "vault/rekey.hpp"
#include "vault/sys.hpp"
#include "vault_env.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <regex>

namespace vk::test {
namespace {

using namespace vault;
namespace fs = std::filesystem;

boost::asio::awaitable<result<void>> ready()
{
    co_return result<void>{};
}

// A sink appending to a file (a plain function: nothing of it outlives the call).
http::body_sink file_sink(std::shared_ptr<std::ofstream> out)
{
    return [out](std::string_view chunk) {
        out->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        return ready();
    };
}

struct file_reader
{
    std::ifstream in;
    std::array<char, 64 * 1024> buf{};
};

boost::asio::awaitable<result<std::string_view>> next_chunk(std::shared_ptr<file_reader> r)
{
    r->in.read(r->buf.data(), static_cast<std::streamsize>(r->buf.size()));
    co_return std::string_view(r->buf.data(), static_cast<std::size_t>(r->in.gcount()));
}

// A rewindable source streaming a file.
http::body_source file_source(const fs::path& p)
{
    auto r = std::make_shared<file_reader>();
    r->in.open(p, std::ios::binary);
    http::body_source s;
    s.length = fs::file_size(p);
    s.next = [r] { return next_chunk(r); };
    s.rewind = [r] {
        r->in.clear();
        r->in.seekg(0);
        return true;
    };
    return s;
}

fs::path temp_file(const std::string& name)
{
    return fs::temp_directory_path() / ("vk-vault-" + std::to_string(::getpid()) + "-" + name);
}

// The dev unseal key vault-sim prints ("Unseal Key: <base64>").
std::string dev_unseal_key(const sim_process& sim)
{
    std::smatch m;
    std::string out = sim.output();
    return std::regex_search(out, m, std::regex("Unseal Key: (\\S+)")) ? m[1].str() : "";
}

ASYNC_TEST(vault_raft, snapshot_to_file_and_restore)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    boost::json::object v1{{"k", "before"}};
    EXPECT_TRUE(co_await kv2_write(*c, "secret", "r/a", v1));
    auto file = temp_file("snap");
    auto out = std::make_shared<std::ofstream>(file, std::ios::binary);
    auto n = co_await raft_snapshot(*c, file_sink(out));
    out->close();
    EXPECT_TRUE(n && *n > 0 && *n == fs::file_size(file));
    boost::json::object v2{{"k", "after"}};
    EXPECT_TRUE(co_await kv2_write(*c, "secret", "r/a", v2));
    auto restored = co_await raft_restore(*c, file_source(file));
    EXPECT_TRUE(restored) << (restored ? "" : restored.error().describe());
    auto r = co_await kv2_read(*c, "secret", "r/a");
    EXPECT_TRUE(r && r->data.at("k") == "before");
    auto cfg = co_await raft_config(*c);
    EXPECT_TRUE(cfg && cfg->servers.size() == 1 && cfg->servers[0].leader);

    // Into another cluster: refused without force; with force its keys come along and it seals.
    auto other = dev_vault();
    auto oc = co_await started_client(token_config(*other));
    auto refused = co_await raft_restore(*oc, file_source(file));
    EXPECT_TRUE(!refused && refused.error().code == errc::bad_request);
    auto forced = co_await raft_restore(*oc, file_source(file), true);
    EXPECT_TRUE(forced) << (forced ? "" : forced.error().describe());
    auto st = co_await sys_seal_status(*oc);
    EXPECT_TRUE(st && st->sealed);
    auto unsealed = co_await sys_unseal(*oc, secret(dev_unseal_key(*sim)));
    EXPECT_TRUE(unsealed && !unsealed->sealed);
    auto moved = co_await kv2_read(*oc, "secret", "r/a");
    EXPECT_TRUE(moved && moved->data.at("k") == "before");
    fs::remove(file);
}

ASYNC_TEST(vault_rekey, rekey_with_verification)
{
    sim_process sim("vault-sim", {});
    auto c = make_client(co_await boost::asio::this_coro::executor, token_config(sim, 0, "unused"));
    auto init = co_await sys_init(*c, 3, 2);
    EXPECT_TRUE(init);
    if (!init)
        co_return;
    EXPECT_TRUE(co_await sys_unseal(*c, init->keys[0]));
    EXPECT_TRUE(co_await sys_unseal(*c, init->keys[1]));
    auto idle = co_await rekey_progress(*c);
    EXPECT_TRUE(idle && !idle->started && idle->required == 2);

    rekey_params params{.secret_shares = 5, .secret_threshold = 3, .require_verification = true};
    auto started = co_await rekey_init(*c, params);
    EXPECT_TRUE(started && started->started && !started->nonce.empty() && started->t == 3 && started->n == 5);
    if (!started)
        co_return;
    auto u1 = co_await rekey_update(*c, init->keys[0], started->nonce);
    EXPECT_TRUE(u1 && !u1->complete && u1->status.progress == 1);
    auto dup = co_await rekey_update(*c, init->keys[0], started->nonce);
    EXPECT_TRUE(!dup && dup.error().code == errc::bad_request);
    auto done = co_await rekey_update(*c, init->keys[1], started->nonce);
    EXPECT_TRUE(done && done->complete && done->keys.size() == 5 && done->verification_required &&
                !done->verification_nonce.empty());
    if (!done || done->keys.size() < 3)
        co_return;
    auto vp = co_await rekey_verify_progress(*c);
    EXPECT_TRUE(vp && vp->started && vp->nonce == done->verification_nonce);
    auto restarted = co_await rekey_verify_restart(*c);
    EXPECT_TRUE(restarted && restarted->nonce != done->verification_nonce);
    if (!restarted)
        co_return;
    for (int i = 0; i < 2; ++i)
    {
        auto step = co_await rekey_verify(*c, done->keys[i], restarted->nonce);
        EXPECT_TRUE(step && !step->complete && step->progress == static_cast<unsigned>(i + 1));
    }
    auto verified = co_await rekey_verify(*c, done->keys_base64[2], restarted->nonce);
    EXPECT_TRUE(verified && verified->complete);

    // The new keys unseal; three are needed now.
    control(sim, "/_sim/vault/seal", R"({"node":0})");
    for (int i = 2; i < 5; ++i)
        EXPECT_TRUE(co_await sys_unseal(*c, done->keys[i]));
    auto st = co_await sys_seal_status(*c);
    EXPECT_TRUE(st && !st->sealed && st->t == 3 && st->n == 5);
}

ASYNC_TEST(vault_rekey, cancel_sends_the_nonce)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    rekey_params params{.secret_shares = 3, .secret_threshold = 2};
    auto started = co_await rekey_init(*c, params);
    EXPECT_TRUE(started && started->started);
    if (!started)
        co_return;
    auto again = co_await rekey_init(*c, params);
    EXPECT_TRUE(!again && again.error().code == errc::bad_request);
    EXPECT_TRUE(co_await rekey_cancel(*c, started->nonce));
    auto idle = co_await rekey_progress(*c);
    EXPECT_TRUE(idle && !idle->started);
}

}  // namespace
}  // namespace vk::test
