// Bucket ids exactly as vsync's generateBucketId computes them.
#include "sync/model/bucket_id.hpp"

#include "sync/model/digest.hpp"

#include <string>

namespace vk::sync {

result<std::uint16_t> check_bucket_count(std::size_t n)
{
    if (n == 0 || n > max_bucket_count)
        return make_error(errc::invalid_argument, "bucket count " + std::to_string(n) +
                                                      " is out of range: it must be 1..65535 (vsync "
                                                      "computes bucket ids in uint16)");
    return static_cast<std::uint16_t>(n);
}

std::uint16_t path_key(std::string_view path) noexcept
{
    const auto d = sha256(path);
    return static_cast<std::uint16_t>((d[0] << 8) | d[1]);
}

std::uint16_t bucket_id(std::string_view path, std::uint16_t n) noexcept
{
    return static_cast<std::uint16_t>(path_key(path) % n);
}

}  // namespace vk::sync
