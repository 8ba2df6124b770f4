// A fresh directory under the system temp dir for one test, removed with everything in it when the test ends;
// reading a file whole; and waiting (bounded) for a directory to hold exactly some names, as it does once the
// blocking pool has unlinked what it was handed.
#ifndef VAULTKEEPER_TESTS_IO_TEMP_DIR_HPP
#define VAULTKEEPER_TESTS_IO_TEMP_DIR_HPP

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
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

// Waits up to 5 s until `dir` holds exactly `names`; whether it came to.
inline bool entries_become(const std::filesystem::path& dir, const std::set<std::string>& names)
{
    for (int i = 0; i < 5000; ++i)
    {
        std::set<std::string> seen;
        for (const auto& e : std::filesystem::directory_iterator(dir))
            seen.insert(e.path().filename().string());
        if (seen == names)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

}  // namespace vk::test

#endif
