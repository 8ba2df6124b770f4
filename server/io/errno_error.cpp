// errno as an error value naming the step and the path.
#include "io/errno_error.hpp"

#include <cstring>

namespace vk::io {

error errno_error(const std::string& step, const std::filesystem::path& p, int err)
{
    return make_error(errc::io_error, step + ": " + std::strerror(err), {}, p.string());
}

}  // namespace vk::io
