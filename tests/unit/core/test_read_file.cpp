// One reader for small local files (issue 20): the bytes as they are, nothing for what cannot be read.
#include "core/read_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::string temp_path(const char* name)
{
    return std::string(::testing::TempDir()) + name + std::to_string(::getpid());
}

}  // namespace

TEST(read_file, returns_the_bytes_as_they_are)
{
    auto path = temp_path("vk_read_file_");
    const std::string bytes("a\0b\r\nc\n", 7);
    std::ofstream(path, std::ios::binary) << bytes;
    EXPECT_EQ(vk::read_file(path), bytes);
    std::ofstream(path, std::ios::binary | std::ios::trunc);
    EXPECT_EQ(vk::read_file(path), "") << "an empty file is empty, not missing";
    std::remove(path.c_str());
    EXPECT_FALSE(vk::read_file(path)) << "missing";
}

TEST(read_file, line_ends_are_trimmed_only_at_the_end)
{
    EXPECT_EQ(vk::without_line_end("tok\r\n\n"), "tok");
    EXPECT_EQ(vk::without_line_end("a\nb"), "a\nb");
    EXPECT_EQ(vk::without_line_end("tok "), "tok ") << "spaces may be part of a value";
    EXPECT_EQ(vk::without_line_end(""), "");
}
