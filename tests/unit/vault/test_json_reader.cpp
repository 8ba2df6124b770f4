// Issue 15: the reader under every Vault decoder never throws or hits undefined behaviour on hostile numbers:
// a value too big for its type, a fraction, a negative count or a wrong JSON type fails the reader instead.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "vault/model/json_reader.hpp"

namespace {
using vk::vault::detail::json_reader;

bool i64_fails(const char* number)
{
    auto v = boost::json::parse(std::string(R"({"n":)") + number + "}");
    json_reader r(&v.as_object());
    (void)r.i64("n");
    return !r.ok();
}

bool u64_fails(const char* number)
{
    auto v = boost::json::parse(std::string(R"({"n":)") + number + "}");
    json_reader r(&v.as_object());
    (void)r.u64("n");
    return !r.ok();
}

TEST(vault_json_reader, hostile_numbers_fail_the_reader)
{
    EXPECT_TRUE(i64_fails("1e300")) << "integral, but far outside int64";
    EXPECT_TRUE(i64_fails("-1e300"));
    EXPECT_TRUE(i64_fails("1.5"));
    EXPECT_TRUE(i64_fails("18446744073709551615")) << "fits uint64, not int64";
    EXPECT_TRUE(i64_fails("\"12\""));
    EXPECT_TRUE(u64_fails("-3"));
    EXPECT_TRUE(u64_fails("[]"));
    EXPECT_FALSE(i64_fails("1e3")) << "Vault sometimes writes integers in exponent form";
    EXPECT_FALSE(u64_fails("18446744073709551615"));
}

}  // namespace
