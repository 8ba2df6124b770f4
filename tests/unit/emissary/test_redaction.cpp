// What the emissary hides: every value a job held (the last few per reference, bounded), and command output
// redacted before it is cut to its cap, never leaving a piece of a secret at the cut.
#include "emissary/model/redaction.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

TEST(emissary_redaction, hides_every_value_whole_even_when_values_overlap)
{
    EXPECT_EQ(redact("pw=hunter2 and hunter", {"hunter", "hunter2", ""}), "pw=<redacted> and <redacted>");
    EXPECT_EQ(redact("nothing here", {"x1y"}), "nothing here");
    // Replaced one after the other, "abcXYZ" first, the tail "123" of "XYZ123" would stay in clear.
    EXPECT_EQ(redact("[abcXYZ123]", {"abcXYZ", "XYZ123"}), "[<redacted>]");
    EXPECT_EQ(redact("aaaa", {"aa"}), "<redacted>");
    EXPECT_EQ(redact("", {"x"}), "");
}

TEST(emissary_redaction, remembers_rotated_out_values_per_reference)
{
    secret_memory m(3);
    m.remember("value vault secret/db", {"user-a", "old-password"});
    m.remember("value vault secret/db", {"user-a", "new-password"});
    EXPECT_EQ(m.values(), (std::vector<std::string>{"new-password", "old-password", "user-a"}));
    EXPECT_EQ(redact("was old-password, now new-password", m.values()), "was <redacted>, now <redacted>");
}

TEST(emissary_redaction, keeps_the_last_depth_sets_of_a_reference)
{
    secret_memory m(2);
    m.remember("r", {"one"});
    m.remember("r", {"two"});
    m.remember("r", {"one"});  // seen again: becomes the most recent, "two" is now the oldest
    m.remember("r", {"three"});
    EXPECT_EQ(m.values(), (std::vector<std::string>{"one", "three"}));
    m.remember("other", {"x", ""});
    m.remember("empty", {""});
    EXPECT_EQ(m.values(), (std::vector<std::string>{"one", "three", "x"}));
    EXPECT_EQ(m.references(), 2u);
}

TEST(emissary_redaction, forgets_the_least_recently_seen_reference_beyond_the_bound)
{
    secret_memory m(8, 2);
    m.remember("a", {"va"});
    m.remember("b", {"vb"});
    m.remember("a", {"va"});  // seen again: "b" is now the least recent
    m.remember("c", {"vc"});
    EXPECT_EQ(m.values(), (std::vector<std::string>{"va", "vc"}));
    EXPECT_EQ(m.references(), 2u);
}

TEST(emissary_redaction, a_job_reserves_room_for_every_reference_it_renders)
{
    secret_memory m(8, 2);
    m.reserve_references(1000);  // a job of 1,000 template actions: none may be forgotten while rendered
    std::vector<std::string> want;
    for (int i = 0; i < 1000; ++i)
    {
        m.remember("ref" + std::to_string(i), {"value" + std::to_string(i)});
        want.push_back("value" + std::to_string(i));
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(m.values(), want);
    m.reserve_references(10);  // never shrinks
    m.remember("ref1000", {"value1000"});
    EXPECT_EQ(m.references(), 1000u);  // only the least recently seen went
    EXPECT_EQ(m.values().size(), 1000u);
}

TEST(emissary_redaction, a_secret_across_the_cap_leaves_no_prefix)
{
    const std::string secret = "Q7-secret-value";
    for (std::size_t before : {90u, 95u, 99u, 100u})  // the secret starts before, at and after the cut
    {
        const std::string text = std::string(before, 'x') + secret + "tail";
        const auto out = redact_and_cap(text, {secret}, 100, true);
        EXPECT_EQ(out.find("xQ"), std::string::npos) << before;
        EXPECT_TRUE(out.ends_with(truncated_note)) << out;
        EXPECT_LE(out.size(), 100 + truncated_note.size());
        // Without redaction first, a cut at 100 then redaction would leave "x...xQ7-sec".
        EXPECT_EQ(out.find(secret.substr(0, 2)), std::string::npos) << out;
    }
    // A marker that fits is kept whole; what follows is cut, plain text only.
    EXPECT_EQ(redact_and_cap("ab" + secret + "cdefgh", {secret}, 15, true),
              "ab<redacted>cde" + std::string(truncated_note));
    EXPECT_EQ(redact_and_cap("short " + secret, {secret}, 100, true), "short <redacted>");
}

TEST(emissary_redaction, a_cut_capture_hides_a_secret_it_ends_inside)
{
    const std::string secret = "Q7-secret-value";
    // The capture stopped 5 bytes into the secret: those 5 bytes are the start of a value, hidden.
    const auto out = redact_and_cap("log line\nQ7-se", {secret}, 1000, false);
    EXPECT_EQ(out, "log line\n<redacted>" + std::string(truncated_note));
    // A tail that begins no value stays.
    EXPECT_EQ(redact_and_cap("log line\nzz", {secret}, 1000, false),
              "log line\nzz" + std::string(truncated_note));
    // The longest tail that begins any value is hidden.
    EXPECT_EQ(redact_and_cap("ab", {"abz", "bzz"}, 100, false), "<redacted>" + std::string(truncated_note));
}

}  // namespace
}  // namespace vk::emissary
