// base64: RFC 4648's vectors, round trips of every length, and the strict decoder's refusals.
#include "core/base64.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

TEST(base64, rfc_4648_vectors)
{
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors)
    {
        EXPECT_EQ(vk::base64_encode(plain), encoded);
        EXPECT_EQ(vk::base64_decode(encoded), std::string(plain));
    }
}

TEST(base64, every_length_and_byte_round_trips)
{
    std::mt19937 rng(3);
    for (std::size_t n = 0; n < 300; ++n)
    {
        std::string bytes(n, '\0');
        for (auto& c : bytes)
            c = static_cast<char>(rng() & 255);
        const auto text = vk::base64_encode(bytes);
        EXPECT_EQ(text.size(), (n + 2) / 3 * 4);
        EXPECT_EQ(vk::base64_decode(text), bytes) << n;
    }
}

TEST(base64, the_decoder_refuses_what_is_not_canonical_base64)
{
    for (const char* bad : {"Zg=", "Z===", "Zg=a", "=Zg=", "Zm8=Zm8=", "Zm9v\n", "Zm9*", "Zm 9"})
        EXPECT_FALSE(vk::base64_decode(bad)) << bad;
}
