// The whole of a small local file (a config, a token, a CA bundle) as a string: one function instead of an
// ifstream and rdbuf in every reader.
#ifndef VAULTKEEPER_SERVER_CORE_READ_FILE_HPP
#define VAULTKEEPER_SERVER_CORE_READ_FILE_HPP

#include <optional>
#include <string>

namespace vk {

// The file's bytes; nullopt when it cannot be opened or read (missing, a directory, no permission).
std::optional<std::string> read_file(const std::string& path);

// `text` without its trailing line ends (CR, LF): token and key files usually end with a newline that is not
// part of the value.
std::string without_line_end(std::string text);

}  // namespace vk

#endif
