// Snapshot restores read as a stream: PAX sizes, filler skipped, every check at the end, and the node
// handler restoring (or not) from a streamed body.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <zlib.h>

#include "archive.hpp"
#include "front.hpp"
#include "restore_upload.hpp"
#include "snapshot.hpp"

namespace vsim {
namespace {

snapshot_input generated_sample(const bytes& root, std::uint64_t padding)
{
    snapshot_input in;
    for (int i = 0; i < 20; ++i)
        in.entries.emplace("kv/data/k" + std::to_string(i), std::string(200, static_cast<char>('a' + i)));
    in.root_key = root;
    in.ring = wrap_root({1, 1}, random_bytes(32), root);
    in.index = 7;
    in.term = 2;
    in.server_ids = {"node0"};
    in.server_addresses = {"127.0.0.1:8201"};
    in.padding_bytes = padding;
    in.generated = true;
    in.pax_sizes = true;
    return in;
}

std::string archive_of(std::function<std::optional<std::string>()> producer)
{
    std::string out;
    while (auto c = producer())
        out += *c;
    return out;
}

// Feeds the archive in uneven slices (1 byte up to a few KiB), as a network would deliver it.
snapshot_result read_in_slices(std::string_view archive)
{
    snapshot_reader reader;
    for (std::size_t pos = 0, step = 1; pos < archive.size(); pos += step, step = step * 7 % 4093 + 1)
        reader.feed(archive.substr(pos, step));
    return reader.finish();
}

// gzip (stored) of data: the tests rebuild an archive after editing its tar bytes.
std::string gzip_stored(std::string_view data)
{
    z_stream s{};
    deflateInit2(&s, 0, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&s, data.size()), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    deflate(&s, Z_FINISH);
    out.resize(out.size() - s.avail_out);
    deflateEnd(&s);
    return out;
}

std::string gunzip(std::string_view data)
{
    z_stream s{};
    inflateInit2(&s, 15 + 16);
    std::string out;
    char buf[65536];
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    int rc = Z_OK;
    while (rc == Z_OK)
    {
        s.next_out = reinterpret_cast<Bytef*>(buf);
        s.avail_out = sizeof buf;
        rc = inflate(&s, Z_NO_FLUSH);
        out.append(buf, sizeof buf - s.avail_out);
    }
    inflateEnd(&s);
    return out;
}

TEST(SnapshotReader, GeneratedArchiveWithPaxSizesRestoresWithoutItsFiller)
{
    const auto root = random_bytes(32);
    const auto in = generated_sample(root, 3 << 20);
    const auto archive = archive_of(snapshot_stream(in));
    // Stored gzip: the PAX records are readable in the compressed bytes.
    EXPECT_NE(archive.find("PaxHeaders.0/state.bin"), std::string::npos);
    EXPECT_NE(archive.find(" size="), std::string::npos);
    auto parsed = read_in_slices(archive);
    ASSERT_TRUE(std::holds_alternative<parsed_snapshot>(parsed)) << std::get<std::string>(parsed);
    const auto& snap = std::get<parsed_snapshot>(parsed);
    EXPECT_EQ(snap.index, 7u);
    EXPECT_TRUE(sealed_by(snap, root));
    EXPECT_EQ(snap.encrypted.size(), in.entries.size());  // the filler records were skipped
    EXPECT_EQ(decrypt_entries(snap.encrypted, root), in.entries);
    EXPECT_EQ(snap.ring.wrapped_root, in.ring.wrapped_root);
}

TEST(SnapshotReader, TruncatedStreamIsAnError)
{
    const auto archive = archive_of(snapshot_stream(generated_sample(random_bytes(32), 1 << 20)));
    for (std::size_t keep : {archive.size() - 1, archive.size() - 600, archive.size() / 2, std::size_t{100}})
        EXPECT_EQ(std::get<std::string>(read_in_slices(archive.substr(0, keep))),
                  "failed to read snapshot: gzip: invalid or truncated stream")
            << keep;
}

TEST(SnapshotReader, TamperedFillerByteFailsTheSums)
{
    const auto archive = archive_of(snapshot_stream(generated_sample(random_bytes(32), 1 << 20)));
    auto tar = gunzip(archive);
    const auto filler = tar.find("sim-padding/3");
    ASSERT_NE(filler, std::string::npos);
    tar[filler + 1000] = static_cast<char>(tar[filler + 1000] ^ 0x01);
    EXPECT_EQ(std::get<std::string>(read_in_slices(gzip_stored(tar))),
              "failed to read snapshot: checksum mismatch");
}

TEST(SnapshotReader, DataAfterTheGzipStreamIsAnError)
{
    const auto archive = archive_of(snapshot_stream(generated_sample(random_bytes(32), 0)));
    EXPECT_EQ(std::get<std::string>(read_in_slices(archive + "x")),
              "failed to read snapshot: gzip: trailing data");
}

// The node handler with a streamed body handed out in pieces; `abort_after` pieces then the client is gone.
struct StreamedRestore : ::testing::Test
{
    cluster vault{cluster_options{.nodes = 1, .base_port = 8200}};
    std::string root_token;

    void SetUp() override
    {
        auto init =
            boost::json::parse(
                handle_vault_request(
                    vault, 0, make("PUT", "/v1/sys/init", R"({"secret_shares":1,"secret_threshold":1})"))
                    .body)
                .as_object();
        root_token = std::string(init.at("root_token").as_string());
        handle_vault_request(
            vault, 0,
            make("PUT", "/v1/sys/unseal",
                 R"({"key":")" + std::string(init.at("keys").as_array()[0].as_string()) + "\"}"));
    }

    simc::request make(std::string method, std::string path, std::string body = {})
    {
        simc::request r;
        r.method = std::move(method);
        r.target = path;
        r.path = std::move(path);
        r.body = std::move(body);
        if (!root_token.empty())
            r.headers.set("X-Vault-Token", root_token);
        return r;
    }

    simc::response upload(std::string archive, std::optional<std::size_t> abort_after = std::nullopt)
    {
        auto req = make("POST", "/v1/sys/storage/raft/snapshot");
        EXPECT_TRUE(streams_restore_body(req));
        auto pos = std::make_shared<std::size_t>(0);
        auto pieces = std::make_shared<std::size_t>(0);
        req.body_stream = [archive = std::move(archive), pos, pieces,
                           abort_after]() -> boost::asio::awaitable<simc::body_chunk> {
            if (abort_after && (*pieces)++ == *abort_after)
                co_return simc::body_chunk{{}, false, true};
            const auto piece = std::string_view(archive).substr(*pos, 70000);
            *pos += piece.size();
            co_return simc::body_chunk{piece, *pos == archive.size(), false};
        };
        boost::asio::io_context io;
        auto handler = make_node_handler(vault, 0);
        auto done = boost::asio::co_spawn(io, handler(req), boost::asio::use_future);
        io.run();
        return done.get();
    }

    std::string read_secret(const std::string& path)
    {
        return handle_vault_request(vault, 0, make("GET", "/v1/" + path)).body;
    }
};

TEST_F(StreamedRestore, WholeBodyRestoresAndCutShortRestoresNothing)
{
    ASSERT_EQ(handle_vault_request(vault, 0, make("POST", "/v1/sys/mounts/kv", R"({"type":"kv"})")).status,
              204u);
    ASSERT_EQ(handle_vault_request(vault, 0, make("PUT", "/v1/kv/a", R"({"v":"before"})")).status, 204u);
    auto in = vault.snapshot_source();
    in.padding_bytes = 1 << 20;
    in.generated = true;
    in.pax_sizes = true;
    const auto archive = archive_of(snapshot_stream(in));
    ASSERT_EQ(handle_vault_request(vault, 0, make("PUT", "/v1/kv/a", R"({"v":"after"})")).status, 204u);

    EXPECT_EQ(upload(archive, 3).status, 0u);  // the client left: no answer, nothing restored
    EXPECT_NE(read_secret("kv/a").find("after"), std::string::npos);
    EXPECT_EQ(upload(archive.substr(0, archive.size() - 10)).status, 400u);
    EXPECT_NE(read_secret("kv/a").find("after"), std::string::npos);

    EXPECT_EQ(upload(archive).status, 204u);
    EXPECT_NE(read_secret("kv/a").find("before"), std::string::npos);
}

}  // namespace
}  // namespace vsim
