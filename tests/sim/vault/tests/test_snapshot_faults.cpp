// The snapshot download controls: faults on the next downloads, and filler that a restore ignores.
#include <gtest/gtest.h>

#include <stdexcept>

#include "snapshot.hpp"
#include "snapshot_faults.hpp"

namespace vsim {
namespace {

std::function<std::optional<std::string>()> chunks_of(std::string data, std::size_t size)
{
    auto pos = std::make_shared<std::size_t>(0);
    return [data, size, pos]() -> std::optional<std::string> {
        if (*pos >= data.size())
            return std::nullopt;
        auto c = data.substr(*pos, size);
        *pos += c.size();
        return c;
    };
}

std::string drain_faulted(std::function<std::optional<std::string>()> p)
{
    std::string out;
    while (auto c = p())
        out += *c;
    return out;
}

const std::string data(1000, 'a');

TEST(SnapshotFaults, TruncateCorruptAndCountedUses)
{
    snapshot_controls c;
    c.fault = snapshot_fault{snapshot_fault_mode::truncate, 250};
    c.remaining = 1;
    EXPECT_EQ(drain_faulted(c.wrap(chunks_of(data, 100), [] {})), std::string(250, 'a'));
    EXPECT_FALSE(c.fault);
    EXPECT_EQ(drain_faulted(c.wrap(chunks_of(data, 100), [] {})), data);

    c.fault = snapshot_fault{snapshot_fault_mode::corrupt, 512};
    c.remaining = 2;
    for (int i = 0; i < 2; ++i)
    {
        auto out = drain_faulted(c.wrap(chunks_of(data, 64), [] {}));
        ASSERT_EQ(out.size(), data.size());
        EXPECT_EQ(out[512], static_cast<char>('a' ^ 0xff));
        EXPECT_EQ(out.substr(0, 512), data.substr(0, 512));
    }
    EXPECT_EQ(drain_faulted(c.wrap(chunks_of(data, 64), [] {})), data);
}

TEST(SnapshotFaults, AbortThrowsAndStepDownFiresOnce)
{
    snapshot_controls c;
    c.fault = snapshot_fault{snapshot_fault_mode::abort, 10};
    c.remaining = 1;
    auto p = c.wrap(chunks_of(data, 100), [] {});
    EXPECT_THROW(p(), std::runtime_error);

    int downs = 0;
    c.fault = snapshot_fault{snapshot_fault_mode::step_down, 300};
    c.remaining = 1;
    EXPECT_EQ(drain_faulted(c.wrap(chunks_of(data, 100), [&] { ++downs; })), data);
    EXPECT_EQ(downs, 1);
    EXPECT_EQ(snapshot_controls::mode_of("bogus"), std::nullopt);
}

TEST(SnapshotFaults, PaddingGrowsTheArchiveAndParsesAway)
{
    snapshot_input in;
    in.entries.emplace("kv/x", "v");
    in.root_key = random_bytes(32);
    in.ring = wrap_root({1, 1}, random_bytes(32), in.root_key);
    auto plain = drain_faulted(snapshot_stream(in));
    in.padding_bytes = 300 * 1024;
    auto padded = drain_faulted(snapshot_stream(in));
    EXPECT_GT(padded.size(), plain.size() + 300 * 1024);
    auto parsed = parse_snapshot(padded);
    ASSERT_TRUE(std::holds_alternative<parsed_snapshot>(parsed)) << std::get<std::string>(parsed);
    EXPECT_EQ(std::get<parsed_snapshot>(parsed).encrypted.size(), 1u);
}

}  // namespace
}  // namespace vsim
