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

namespace {

// The download, verified chunk by chunk on its way into `w`, committed when whole and valid.
asio::awaitable<result<taken_snapshot>> spool_verified(vault::client& node, spool_writer& w)
{
    archive_verifier verifier;
    // Each chunk: verify first, so the verifier's error (the more telling one) wins; then store.
    http::body_sink sink = [&verifier, &w](std::string_view chunk) -> asio::awaitable<result<void>> {
        if (auto r = verifier.feed(chunk); !r)
            co_return r;
        co_return co_await w.write(chunk);
    };
    auto bytes = co_await vault::raft_snapshot(node, sink);
    if (!bytes)
        co_return bytes.error();
    auto summary = verifier.finish();
    if (!summary)
        co_return node.located(summary.error(), "sys/storage/raft/snapshot");
    auto file = co_await w.commit();
    if (!file)
        co_return file.error();
    co_return taken_snapshot{std::move(*file), *summary};
}

}  // namespace

asio::awaitable<result<taken_snapshot>> take_snapshot(vault::client& node, const snapshot_settings& s,
                                                      fs::path spool, std::string name)
{
    if (auto d = ensure_dir(spool); !d)
        co_return d.error();
    auto writer = spool_writer::open(spool, name, s.encrypt_for_cert_file);
    if (!writer)
        co_return writer.error();
    auto taken = co_await spool_verified(node, **writer);
    if (!taken)
        co_await (*writer)->discard();
    co_return taken;
}

namespace {

// The plaintext of one slice: the slice itself, or what the decryptor makes of it.
result<std::string_view> clear_text(std::optional<cms_decryptor>& d, std::string_view piece, std::string& buf)
{
    if (!d)
        return piece;
    buf.clear();
    if (auto r = d->feed(piece, buf); !r)
        return r.error();
    return std::string_view(buf);
}

result<void> write_plain(std::ofstream& out, std::string_view clear, const fs::path& path)
{
    if (out.is_open() && !out.write(clear.data(), static_cast<std::streamsize>(clear.size())))
        return make_error(errc::io_error, "writing the decrypted snapshot failed", {}, path.string());
    return {};
}

}  // namespace

asio::awaitable<result<verified_file>> verify_file(fs::path file, std::optional<decryption> decrypt)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        co_return make_error(errc::io_error, "cannot read the snapshot", {}, file.string());
    archive_verifier verifier;
    sha256_hasher sha;
    std::optional<cms_decryptor> decryptor;
    std::ofstream out;
    if (decrypt)
    {
        decryptor.emplace(decrypt->recipient);
        out.open(decrypt->plain, std::ios::binary | std::ios::trunc);
        if (!out)
            co_return make_error(errc::io_error, "cannot create the decrypted snapshot", {},
                                 decrypt->plain.string());
    }
    std::string buf(1 << 20, '\0');
    std::string plain;
    auto ex = co_await asio::this_coro::executor;
    while (in)
    {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const std::string_view piece(buf.data(), static_cast<std::size_t>(in.gcount()));
        sha.update(piece);
        auto clear = clear_text(decryptor, piece, plain);
        if (!clear)
            co_return clear.error();
        if (auto r = verifier.feed(*clear); !r)
            co_return r.error();
        if (auto w = write_plain(out, *clear, decrypt ? decrypt->plain : fs::path()); !w)
            co_return w.error();
        co_await asio::post(ex, asio::use_awaitable);
    }
    if (decryptor)
    {
        plain.clear();
        if (auto r = decryptor->finish(plain); !r)
            co_return r.error();
        if (auto r = verifier.feed(plain); !r)
            co_return r.error();
        out << plain;
        out.close();
        if (!out)
            co_return make_error(errc::io_error, "writing the decrypted snapshot failed", {},
                                 decrypt->plain.string());
    }
    auto summary = verifier.finish();
    if (!summary)
        co_return summary.error();
    co_return verified_file{*summary, sha.hex_digest()};
}

}  // namespace vk::snapshot
