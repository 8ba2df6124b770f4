// The local storage's sidecars: text, parsing, and which are orphans.
#include "snapshot/model/sidecar.hpp"

#include <gtest/gtest.h>

namespace vk::snapshot {
namespace {

const std::string sum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

TEST(snapshot_sidecar, text_is_sha256sums_and_parses_back)
{
    EXPECT_EQ(sidecar_name("a.snap"), "a.snap.sha256");
    EXPECT_EQ(sidecar_text(sum, "a.snap"), sum + "  a.snap\n");
    EXPECT_EQ(parse_sidecar(sidecar_text(sum, "a.snap")), sum);
    EXPECT_EQ(parse_sidecar(sum), sum);
    EXPECT_FALSE(parse_sidecar(""));
    EXPECT_FALSE(parse_sidecar(sum.substr(1) + "  a.snap\n"));
    EXPECT_FALSE(parse_sidecar("z" + sum.substr(1) + "  a.snap\n"));
}

TEST(snapshot_sidecar, orphans_are_our_sidecars_without_their_snapshot)
{
    name_format f;
    const std::string kept = "raft-snapshot-2026-11-30T12-00-00.000Z.snap";
    const std::string gone = "raft-snapshot-2026-11-30T11-00-00.000Z.snap";
    const std::string old_gone = "raft-snapshot-2026-11-30T10-00-00Z.snap";
    const std::vector<std::string> files{kept,
                                         kept + ".sha256",
                                         old_gone + ".sha256",
                                         gone + ".sha256",
                                         "notes.txt.sha256",  // not a name of ours: never touched
                                         "raft-snapshot-latest.snap.sha256",
                                         "." + gone + ".sha256.tmp-1-0"};
    EXPECT_EQ(orphan_sidecars(files, f), (std::vector<std::string>{old_gone + ".sha256", gone + ".sha256"}));
    EXPECT_TRUE(orphan_sidecars({kept, kept + ".sha256"}, f).empty());
}

}  // namespace
}  // namespace vk::snapshot
