// Structured logging on top of spdlog: a message plus key/value fields, rendered as text
// ("msg job=a cycle=3") or as one JSON object per line. Secrets never go in; callers pass paths and ids.
#ifndef VAULTKEEPER_SERVER_CORE_LOG_HPP
#define VAULTKEEPER_SERVER_CORE_LOG_HPP

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace vk::log {

enum class level
{
    trace,
    debug,
    info,
    warn,
    error
};

struct field
{
    std::string_view key;
    std::string value;
};

// Installs the stderr sink with the given format ("text" or "json") and level name.
void setup(std::string_view format, std::string_view level_name);
// Changes the level at run time; false if the name is not one of trace, debug, info, warn, error.
bool set_level(std::string_view level_name);
std::string current_level();
bool enabled(level l);

void write(level l, std::string_view message, std::initializer_list<field> fields = {});
void write_fields(level l, std::string_view message, const std::vector<field>& fields);

inline void trace(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::trace, m, f);
}
inline void debug(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::error, m, f);
}

// Renders one line without writing it (what write() sends to the sink); exposed for tests.
std::string render(bool json, level l, std::string_view message, const std::vector<field>& fields);

}  // namespace vk::log

#endif
