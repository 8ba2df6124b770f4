// How an object store upload is cut into parts: the part size for a file within a service's limits (S3
// multipart, Azure blocks). Pure.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_PART_PLAN_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_PART_PLAN_HPP

#include "core/error.hpp"

#include <cstdint>

namespace vk::snapshot {

struct part_limits
{
    std::uint64_t min_part;   // every part but the last is at least this
    std::uint64_t max_part;   // no part is larger
    std::uint64_t max_parts;  // parts of one object
};

// S3 multipart: parts of 5 MiB..5 GiB (the last may be smaller), at most 10,000, so objects up to 48.8 TiB.
inline constexpr part_limits s3_part_limits{5ull << 20, 5ull << 30, 10000};
// Azure block blobs: at most 50,000 blocks of at most 4,000 MiB (about 190.7 TiB); no minimum.
inline constexpr part_limits azure_block_limits{1, 4000ull << 20, 50000};

struct part_plan
{
    std::uint64_t part_size = 0;
    std::uint64_t count = 1;  // at least 1 (an empty file is one empty part)

    std::uint64_t offset(std::uint64_t i) const { return i * part_size; }
    std::uint64_t length(std::uint64_t i, std::uint64_t file_size) const;
};

// The configured part size clamped to the limits, grown in whole MiB when the file would need more than
// max_parts parts. errc::invalid_argument when the file is larger than the service takes in one object.
result<part_plan> plan_parts(const part_limits& limits, std::uint64_t file_size, std::uint64_t configured);

}  // namespace vk::snapshot

#endif
