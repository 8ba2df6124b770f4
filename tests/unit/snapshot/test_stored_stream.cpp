// A stored snapshot streamed through stored_stream: plaintext passed on piece by piece, the sums of the
// stored bytes and of the archive, verification when asked (and only then).
#include "snapshot/model/stored_stream.hpp"

#include "archive_builder.hpp"

#include <gtest/gtest.h>

using namespace vk::snapshot;
using vk::snapshot::test::good_archive;
using vk::snapshot::test::sha256_hex;

namespace {

// Feeds `stored` in `piece`-sized slices; what came out, or the first error.
vk::result<std::string> stream_all(stored_stream& s, const std::string& stored, std::size_t piece)
{
    std::string out;
    for (std::size_t at = 0; at < stored.size(); at += piece)
    {
        auto plain = s.feed(std::string_view(stored).substr(at, piece));
        if (!plain)
            return plain.error();
        out.append(*plain);
    }
    auto last = s.finish();
    if (!last)
        return last.error();
    out.append(*last);
    return out;
}

}  // namespace

TEST(stored_stream, a_plain_archive_passes_through_verified_with_its_sums)
{
    const auto archive = good_archive();
    stored_stream s(nullptr, true);
    EXPECT_EQ(stream_all(s, archive, 333).value(), archive);
    EXPECT_EQ(s.summary().stored_sha256, sha256_hex(archive));
    EXPECT_EQ(s.summary().plain_sha256, sha256_hex(archive));
    EXPECT_EQ(s.summary().plain_bytes, archive.size());
    EXPECT_EQ(s.summary().stored_bytes, archive.size());
    ASSERT_TRUE(s.summary().archive);
    EXPECT_EQ(s.summary().archive->compressed_bytes, archive.size());
}

TEST(stored_stream, verification_fails_a_broken_archive_and_is_skipped_when_not_asked)
{
    auto archive = good_archive();
    archive.resize(archive.size() - 10);
    stored_stream verified(nullptr, true);
    auto r = stream_all(verified, archive, 100);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(vk::errc::bad_response));
    stored_stream hashed(nullptr, false);
    EXPECT_EQ(stream_all(hashed, archive, 100).value(), archive);
    EXPECT_FALSE(hashed.summary().archive);
    EXPECT_EQ(hashed.summary().plain_sha256, sha256_hex(archive));
}
