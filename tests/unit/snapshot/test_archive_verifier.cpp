// The streaming archive verifier: whole, chunked, truncated, empty, corrupted and inconsistent archives.
#include "archive_builder.hpp"
#include "snapshot/model/archive_verifier.hpp"

#include <gtest/gtest.h>

namespace vk::snapshot {
namespace {

using test::archive_parts;
using test::gzip;
using test::tar;

result<archive_summary> verify(const std::string& archive, std::size_t chunk = 7)
{
    archive_verifier v;
    for (std::size_t i = 0; i < archive.size(); i += chunk)
        if (auto r = v.feed(std::string_view(archive).substr(i, chunk)); !r)
            return r.error();
    return v.finish();
}

std::string message_of(const result<archive_summary>& r)
{
    return r ? "" : r.error().message;
}

TEST(snapshot_archive_verifier, accepts_a_good_archive_in_any_chunking)
{
    const auto a = test::good_archive();
    for (std::size_t chunk : {1u, 7u, 512u, 100000u})
    {
        auto r = verify(a, chunk);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->index, 17u);
        EXPECT_EQ(r->term, 2u);
        EXPECT_EQ(r->state_size, 3000u);
        EXPECT_EQ(r->compressed_bytes, a.size());
    }
}

// Members over ustar's 8 GiB: Go's archive/tar (Vault) puts the size in a PAX record and 0 in the header;
// GNU tar writes it in base-256.
TEST(snapshot_archive_verifier, reads_sizes_from_pax_records_and_base_256)
{
    archive_parts p;
    auto e = p.entries();
    const auto head = tar({e[0]}, false), tail = tar({e[2], e[3]});
    const std::string record = "13 size=3000\n";
    const auto pax =
        test::tar_member(test::tar_header("PaxHeaders.0/state.bin", record.size(), 'x'), record) +
        test::tar_member(test::tar_header("state.bin", 0), p.state);
    auto r = verify(gzip(head + pax + tail));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->state_size, 3000u);
    const auto binary = test::tar_member(test::tar_header("state.bin", 3000, '0', true), p.state);
    r = verify(gzip(head + binary + tail));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->state_size, 3000u);
    const std::string bad = "99 size=3000\n";
    const auto broken = test::tar_member(test::tar_header("PaxHeaders.0/state.bin", bad.size(), 'x'), bad) +
                        test::tar_member(test::tar_header("state.bin", 0), p.state);
    EXPECT_NE(message_of(verify(gzip(head + broken + tail))).find("malformed PAX header"), std::string::npos);
}

TEST(snapshot_archive_verifier, rejects_empty_and_truncated)
{
    EXPECT_NE(message_of(verify("")).find("empty"), std::string::npos);
    const auto a = test::good_archive();
    for (std::size_t cut : {a.size() - 1, a.size() - 8, a.size() / 2, std::size_t{10}})
    {
        auto r = verify(a.substr(0, cut));
        ASSERT_FALSE(r) << cut;
        EXPECT_EQ(r.error().code, errc::bad_response);
    }
}

TEST(snapshot_archive_verifier, rejects_a_tar_cut_short_inside_a_clean_gzip)
{
    archive_parts p;
    auto raw = tar(p.entries());
    EXPECT_FALSE(verify(gzip(raw.substr(0, raw.size() - 1024 - 512))));  // no sealed sums, no end
    EXPECT_NE(message_of(verify(gzip(tar(p.entries(), false)))).find("zero blocks"), std::string::npos);
}

TEST(snapshot_archive_verifier, rejects_corrupted_bytes)
{
    auto a = test::good_archive();
    a[a.size() / 2] ^= 0x55;
    EXPECT_FALSE(verify(a));
    auto trailer = test::good_archive();
    trailer[trailer.size() - 6] ^= 1;  // the CRC-32
    EXPECT_FALSE(verify(trailer));
    EXPECT_NE(message_of(verify(test::good_archive() + "x")).find("after the end"), std::string::npos);
}

TEST(snapshot_archive_verifier, rejects_inconsistent_contents)
{
    archive_parts p;
    auto e = p.entries();
    e[1].second[5] = 'x';  // state.bin no longer matches its sum
    EXPECT_NE(message_of(verify(gzip(tar(e)))).find("does not match"), std::string::npos);

    e = p.entries();
    e[0].second = R"({"Index":1,"Size":1})";  // meta says another size
    EXPECT_NE(message_of(verify(gzip(tar(e)))).find("meta.json says"), std::string::npos);

    e = p.entries();
    e[3].second.clear();
    EXPECT_NE(message_of(verify(gzip(tar(e)))).find("sealed is empty"), std::string::npos);

    e = p.entries();
    std::swap(e[2], e[3]);
    EXPECT_NE(message_of(verify(gzip(tar(e)))).find("was expected"), std::string::npos);

    e = p.entries();
    e.push_back({"extra", "x"});
    EXPECT_NE(message_of(verify(gzip(tar(e)))).find("unexpected entry"), std::string::npos);

    e = p.entries();
    e[2].second = p.sums().substr(0, p.sums().find('\n') + 1);  // state.bin not listed
    EXPECT_NE(message_of(verify(gzip(tar(e)))).find("both"), std::string::npos);
}

TEST(snapshot_archive_verifier, rejects_a_bad_header_checksum)
{
    auto raw = tar(archive_parts{}.entries());
    raw[0] = 'M';  // "Meta.json": checksum no longer matches
    EXPECT_NE(message_of(verify(gzip(raw))).find("checksum"), std::string::npos);
}

TEST(snapshot_archive_verifier, keeps_failing_after_an_error)
{
    archive_verifier v;
    EXPECT_FALSE(v.feed("not gzip at all"));
    EXPECT_FALSE(v.feed(test::good_archive()));
    EXPECT_FALSE(v.finish());
}

}  // namespace
}  // namespace vk::snapshot
