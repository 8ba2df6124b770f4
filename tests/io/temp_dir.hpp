// A fresh directory under the system temp dir for one test, removed with everything in it when the test ends;
// and reading a file whole.
#ifndef VAULTKEEPER_TESTS_IO_TEMP_DIR_HPP
#define VAULTKEEPER_TESTS_IO_TEMP_DIR_HPP

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace vk::test {

struct temp_dir
{
    // `prefix` names the test; the pid and the object's address keep parallel runs and tests apart.
    explicit temp_dir(const std::string& prefix)
        : path(std::filesystem::temp_directory_path() /
               (prefix + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(reinterpret_cast<std::uintptr_t>(this))))
    {
        std::filesystem::create_directories(path);
    }
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::filesystem::path path;
};

// A file's whole content ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace vk::test

#endif
