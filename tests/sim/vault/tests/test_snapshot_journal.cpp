// Snapshot archives (format, streaming, verification) and the encrypted journal, without HTTP.
#include <gtest/gtest.h>

#include <filesystem>

#include "archive.hpp"
#include "journal.hpp"
#include "snapshot.hpp"
#include "storage.hpp"

namespace vsim {
namespace {

snapshot_input sample(std::size_t n, const bytes& root)
{
    snapshot_input in;
    for (std::size_t i = 0; i < n; ++i)
        in.entries.emplace("kv/data/key" + std::to_string(i),
                           std::string(100, static_cast<char>('a' + i % 26)));
    in.root_key = root;
    in.ring = wrap_root({1, 1}, random_bytes(32), root);
    in.index = 42;
    in.term = 3;
    in.server_ids = {"node0"};
    in.server_addresses = {"127.0.0.1:8201"};
    return in;
}

std::string drain(std::function<std::optional<std::string>()> producer, std::size_t* chunks = nullptr)
{
    std::string out;
    while (auto c = producer())
    {
        out += *c;
        if (chunks)
            ++*chunks;
    }
    return out;
}

TEST(Snapshot, ArchiveHasTheFourMembersInOrderWithMatchingSums)
{
    const auto root = random_bytes(32);
    const auto archive = drain(snapshot_stream(sample(10, root)));
    auto members = std::get<std::vector<tar_member>>(read_tar_gz(archive));
    ASSERT_EQ(members.size(), 4u);
    EXPECT_EQ(members[0].name, "meta.json");
    EXPECT_EQ(members[1].name, "state.bin");
    EXPECT_EQ(members[2].name, "SHA256SUMS");
    EXPECT_EQ(members[3].name, "SHA256SUMS.sealed");
    EXPECT_NE(members[0].data.find("\"Size\":" + std::to_string(members[1].data.size())), std::string::npos);
    EXPECT_EQ(members[2].data, sha256_digest_hex(members[0].data) + "  meta.json\n" +
                                   sha256_digest_hex(members[1].data) + "  state.bin\n");
    EXPECT_FALSE(members[3].data.empty());
}

TEST(Snapshot, RoundTripsThroughParseAndDecrypt)
{
    const auto root = random_bytes(32);
    const auto in = sample(50, root);
    auto parsed = std::get<parsed_snapshot>(parse_snapshot(drain(snapshot_stream(in))));
    EXPECT_EQ(parsed.index, 42u);
    EXPECT_TRUE(sealed_by(parsed, root));
    EXPECT_FALSE(sealed_by(parsed, random_bytes(32)));
    EXPECT_EQ(decrypt_entries(parsed.encrypted, root), in.entries);
    EXPECT_FALSE(decrypt_entries(parsed.encrypted, random_bytes(32)));
    EXPECT_EQ(parsed.ring.wrapped_root, in.ring.wrapped_root);
}

TEST(Snapshot, StreamsInChunksAndGrowsWithTheData)
{
    const auto root = random_bytes(32);
    std::size_t chunks = 0;
    const auto big = drain(snapshot_stream(sample(20000, root)), &chunks);
    const auto small = drain(snapshot_stream(sample(10, root)));
    EXPECT_GT(chunks, 3u);
    EXPECT_GT(big.size(), 50 * small.size());
}

TEST(Snapshot, RejectsCorruptedArchives)
{
    const auto root = random_bytes(32);
    auto archive = drain(snapshot_stream(sample(10, root)));
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_snapshot(archive.substr(0, archive.size() / 2))));
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_snapshot("not a snapshot")));
    tar_gz_writer w;
    w.add_file("meta.json", "{}");
    w.add_file("state.bin", "");
    w.add_file("SHA256SUMS", "wrong");
    w.add_file("SHA256SUMS.sealed", "x");
    w.finish();
    EXPECT_EQ(std::get<std::string>(parse_snapshot(w.take_output())),
              "failed to read snapshot: checksum mismatch");
}

TEST(Journal, AppendsReplaysCompactsAndNeedsTheRootKey)
{
    const auto dir = std::filesystem::temp_directory_path() / ("vsim-journal-" + uuid());
    const auto root = random_bytes(32);
    {
        journal j(dir.string());
        entry_map live{{"a", "1"}, {"b", "2"}};
        j.append(root, live, {"a", "b"}, 5);
        live.erase("a");
        live["c"] = "3";
        j.append(root, live, {"a", "c"}, 9);
        j.save_seal({wrap_root({1, 1}, random_bytes(32), root), "id", "name"});
    }
    journal j(dir.string());
    EXPECT_EQ(j.load_entries(root)->entries, (entry_map{{"b", "2"}, {"c", "3"}}));
    EXPECT_EQ(j.load_entries(root)->raft_index, 9u);
    EXPECT_FALSE(j.load_entries(random_bytes(32)));
    EXPECT_EQ(j.load_seal()->cluster_id, "id");
    j.rewrite(root, {{"z", "26"}}, 12);
    EXPECT_EQ(j.load_entries(root)->entries, (entry_map{{"z", "26"}}));
    EXPECT_EQ(j.load_entries(root)->raft_index, 12u);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vsim

namespace vsim {
namespace {

TEST(Storage, PointLookupsListsAndPrefixDeletesStayConsistent)
{
    storage st;
    std::vector<std::string> touched;
    st.on_key_change = [&](std::string_view k) { touched.emplace_back(k); };
    st.put("a/x", "1");
    st.put("a/y/z", "2");
    st.put("b", "3");
    st.put("a/x", "11");
    EXPECT_EQ(*st.find("a/x"), "11");
    EXPECT_EQ(st.list("a/"), (std::vector<std::string>{"x", "y/"}));
    EXPECT_EQ(st.list(""), (std::vector<std::string>{"a/", "b"}));
    EXPECT_EQ(st.del_prefix("a/"), 2u);
    EXPECT_EQ(st.find("a/x"), nullptr);
    EXPECT_TRUE(st.del("b"));
    EXPECT_FALSE(st.del("b"));
    EXPECT_EQ(st.size(), 0u);
    EXPECT_EQ(st.bytes(), 0u);
    EXPECT_EQ(touched, (std::vector<std::string>{"a/x", "a/y/z", "b", "a/x", "a/x", "a/y/z", "b"}));
    st.replace_all({{"k", "v"}});
    storage copy = st;
    st.put("k", "changed");
    EXPECT_EQ(*copy.find("k"), "v");
    EXPECT_EQ(copy.bytes(), 2u);
}

}  // namespace
}  // namespace vsim
