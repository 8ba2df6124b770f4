// The renewal point shared by leases and certificates: two thirds of the lifetime, minus jitter.
#include "emissary/model/renewal.hpp"

#include <gtest/gtest.h>

namespace vk::emissary {
namespace {
using std::chrono::seconds;
using ms = std::chrono::milliseconds;

TEST(emissary_renewal, two_thirds_of_the_lifetime_less_up_to_a_tenth_of_jitter)
{
    EXPECT_EQ(renewal_delay(ms(90000), 0.0), ms(60000));
    EXPECT_EQ(renewal_delay(ms(90000), 0.5), ms(55500));
    EXPECT_GT(renewal_delay(ms(90000), 0.999), ms(51000));
    EXPECT_EQ(renewal_delay(ms(90000), 7.0), ms(51000));  // a draw out of range is clamped
    EXPECT_EQ(renewal_delay(seconds(0), 0.3), seconds(0));
    EXPECT_EQ(renewal_delay(seconds(-5), 0.3), seconds(0));
}

}  // namespace
}  // namespace vk::emissary
