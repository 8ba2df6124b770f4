// spdlog-backed structured logging: we render the whole line, spdlog filters by level and writes it.
#include "core/log.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>

namespace vk::log {
namespace {

std::atomic<bool> json_format{false};

spdlog::level::level_enum to_spd(level l)
{
    switch (l)
    {
    case level::trace: return spdlog::level::trace;
    case level::debug: return spdlog::level::debug;
    case level::info: return spdlog::level::info;
    case level::warn: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

const char* name_of(level l)
{
    static const char* names[] = {"trace", "debug", "info", "warn", "error"};
    return names[static_cast<int>(l)];
}

std::string utc_now()
{
    auto now = std::chrono::system_clock::now();
    auto secs = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

std::string quoted(std::string_view s)
{
    return boost::json::serialize(boost::json::string(s));
}

// Text values with spaces or quotes are quoted so lines stay machine-splittable.
std::string text_value(const std::string& v)
{
    if (!v.empty() && v.find_first_of(" \"=\t\n") == std::string::npos)
        return v;
    return quoted(v);
}

}  // namespace

std::string render(bool json, level l, std::string_view message, const std::vector<field>& fields)
{
    if (!json)
    {
        std::string line = utc_now() + " " + name_of(l) + " " + std::string(message);
        for (const auto& f : fields)
            line.append(" ").append(f.key).append("=").append(text_value(f.value));
        return line;
    }
    std::string line =
        "{\"time\":\"" + utc_now() + "\",\"level\":\"" + name_of(l) + "\",\"msg\":" + quoted(message);
    for (const auto& f : fields)
        line.append(",").append(quoted(f.key)).append(":").append(quoted(f.value));
    return line + "}";
}

void setup(std::string_view format, std::string_view level_name)
{
    spdlog::drop("vaultkeeper");
    auto logger = spdlog::stderr_logger_mt("vaultkeeper");
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
    json_format = (format == "json");
    set_level(level_name);
}

bool set_level(std::string_view level_name)
{
    for (int i = 0; i <= static_cast<int>(level::error); ++i)
        if (level_name == name_of(static_cast<level>(i)))
        {
            spdlog::set_level(to_spd(static_cast<level>(i)));
            return true;
        }
    return false;
}

std::string current_level()
{
    switch (spdlog::get_level())
    {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    default: return "info";
    }
}

bool enabled(level l)
{
    return spdlog::should_log(to_spd(l));
}

void write_fields(level l, std::string_view message, const std::vector<field>& fields)
{
    if (!enabled(l))
        return;
    spdlog::log(to_spd(l), "{}", render(json_format, l, message, fields));
}

void write(level l, std::string_view message, std::initializer_list<field> fields)
{
    if (enabled(l))
        write_fields(l, message, std::vector<field>(fields));
}

}  // namespace vk::log
