// BER headers and whole TLVs read from bytes that may stop anywhere: short, long and indefinite lengths; a
// header cut at every byte asks for more without moving; high tag numbers, indefinite primitives and lengths
// over 8 bytes are refused.
#include "snapshot/model/ber_reader.hpp"

#include <gtest/gtest.h>
#include <string>

namespace vk::snapshot::ber {
namespace {

std::string bytes(std::initializer_list<int> b)
{
    std::string s;
    for (int x : b)
        s.push_back(static_cast<char>(x));
    return s;
}

TEST(ber_reader, short_long_and_indefinite_lengths)
{
    tlv t;
    auto short_form = bytes({0x04, 0x03, 'a', 'b', 'c'});
    cursor c{short_form};
    ASSERT_EQ(read_header(c, t), step::ok);
    EXPECT_EQ(t.tag, 0x04);
    EXPECT_EQ(t.length, 3u);
    EXPECT_EQ(c.pos, 2u);

    auto long_form = bytes({0x30, 0x82, 0x01, 0x00});
    c = cursor{long_form};
    ASSERT_EQ(read_header(c, t), step::ok);
    EXPECT_EQ(t.length, 256u);
    EXPECT_FALSE(t.indefinite);
    EXPECT_EQ(c.pos, 4u);

    auto indefinite = bytes({0x24, 0x80});
    c = cursor{indefinite};
    ASSERT_EQ(read_header(c, t), step::ok);
    EXPECT_TRUE(t.indefinite);
}

TEST(ber_reader, a_header_cut_anywhere_asks_for_more_without_moving)
{
    auto whole = bytes({0x30, 0x84, 0x00, 0x01, 0x00, 0x00});
    for (std::size_t n = 0; n < whole.size(); ++n)
    {
        cursor c{std::string_view(whole).substr(0, n)};
        tlv t;
        EXPECT_EQ(read_header(c, t), step::more) << n;
        EXPECT_EQ(c.pos, 0u);
    }
    cursor c{whole};
    tlv t;
    ASSERT_EQ(read_header(c, t), step::ok);
    EXPECT_EQ(t.length, 65536u);
}

TEST(ber_reader, malformed_headers_are_refused)
{
    tlv t;
    auto high_tag = bytes({0x1f, 0x81, 0x01});
    cursor c{high_tag};
    EXPECT_EQ(read_header(c, t), step::bad);
    auto indefinite_primitive = bytes({0x04, 0x80});
    c = cursor{indefinite_primitive};
    EXPECT_EQ(read_header(c, t), step::bad);
    auto nine_length_bytes = bytes({0x04, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    c = cursor{nine_length_bytes};
    EXPECT_EQ(read_header(c, t), step::bad);
}

TEST(ber_reader, read_whole_gives_the_value_and_the_encoding_or_waits_for_it)
{
    auto two = bytes({0x06, 0x02, 0x2a, 0x03, 0x05, 0x00});
    cursor c{std::string_view(two).substr(0, 3)};
    std::string_view value, encoding;
    EXPECT_EQ(read_whole(c, 0x06, value, &encoding), step::more);
    EXPECT_EQ(c.pos, 0u);
    c = cursor{two};
    ASSERT_EQ(read_whole(c, 0x06, value, &encoding), step::ok);
    EXPECT_EQ(value, bytes({0x2a, 0x03}));
    EXPECT_EQ(encoding, bytes({0x06, 0x02, 0x2a, 0x03}));
    EXPECT_EQ(read_whole(c, 0x04, value), step::bad);  // the NULL that follows is not an OCTET STRING
    EXPECT_EQ(c.pos, 4u);
}

}  // namespace
}  // namespace vk::snapshot::ber
