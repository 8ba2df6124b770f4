// A failed system call as an error: errc::io_error "<step>: <strerror>" with the path the step was about.
#ifndef VAULTKEEPER_SERVER_IO_ERRNO_ERROR_HPP
#define VAULTKEEPER_SERVER_IO_ERRNO_ERROR_HPP

#include "core/error.hpp"

#include <cerrno>
#include <filesystem>
#include <string>

namespace vk::io {

error errno_error(const std::string& step, const std::filesystem::path& p, int err = errno);

}  // namespace vk::io

#endif
