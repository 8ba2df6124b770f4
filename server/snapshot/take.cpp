// The snapshot download pipeline and file verification (see take.hpp).
#include "snapshot/take.hpp"

#include "snapshot/model/sha256.hpp"
#include "vault/raft.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <system_error>

namespace vk::snapshot {
namespace asio = boost::asio;
namespace fs = std::filesystem;

result<void> ensure_dir(const fs::path& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return make_error(errc::io_error, "cannot create the spool directory: " + ec.message(), {},
                          dir.string());
    return {};
}

asio::awaitable<result<taken_snapshot>> take_snapshot(vault::client& node, const snapshot_settings& s,
                                                      fs::path spool, std::string name)
{
    if (auto d = ensure_dir(spool); !d)
        co_return d.error();
    auto writer = spool_writer::open(spool, name, s.encrypt_for_cert_file);
    if (!writer)
        co_return writer.error();
    archive_verifier verifier;
    auto& w = **writer;
    // Each chunk: verify first, so the verifier's error (the more telling one) wins; then store.
    http::body_sink sink = [&verifier, &w](std::string_view chunk) -> asio::awaitable<result<void>> {
        if (auto r = verifier.feed(chunk); !r)
            co_return r;
        co_return w.write(chunk);
    };
    auto bytes = co_await vault::raft_snapshot(node, sink);
    if (!bytes)
        co_return bytes.error();
    auto summary = verifier.finish();
    if (!summary)
        co_return node.located(summary.error(), "sys/storage/raft/snapshot");
    auto file = w.commit();
    if (!file)
        co_return file.error();
    co_return taken_snapshot{std::move(*file), *summary};
}

asio::awaitable<result<verified_file>> verify_file(fs::path file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        co_return make_error(errc::io_error, "cannot read the snapshot", {}, file.string());
    archive_verifier verifier;
    sha256_hasher sha;
    std::string buf(1 << 20, '\0');
    auto ex = co_await asio::this_coro::executor;
    while (in)
    {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const std::string_view piece(buf.data(), static_cast<std::size_t>(in.gcount()));
        sha.update(piece);
        if (auto r = verifier.feed(piece); !r)
            co_return r.error();
        co_await asio::post(ex, asio::use_awaitable);
    }
    auto summary = verifier.finish();
    if (!summary)
        co_return summary.error();
    co_return verified_file{*summary, sha.hex_digest()};
}

}  // namespace vk::snapshot
