// Reads one JSON object of the config into typed values while collecting every problem with its JSON
// pointer, so --check-config can report all mistakes at once ("/jobs/0/interval: not a duration").
#ifndef VAULTKEEPER_SERVER_CORE_CONFIG_READER_HPP
#define VAULTKEEPER_SERVER_CORE_CONFIG_READER_HPP

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/config_inputs.hpp"
#include "core/duration.hpp"
#include "core/secret.hpp"

namespace vk {

struct config_problem
{
    std::string pointer;  // RFC 6901 JSON pointer, "" for the document itself
    std::string message;
    bool warning = false;  // reported, but the config is usable (an error with "strict_permissions": true)
};

using config_problems = std::vector<config_problem>;

// RFC 6901: "a/b~c" -> "a~1b~0c".
std::string escape_pointer_token(std::string_view token);

enum class need
{
    optional,
    required
};

class object_reader
{
public:
    // Reports "expected an object" if v is not one; then every accessor returns nothing.
    // `inputs`: where {"file": ...} and {"env": ...} values (and kinds' file references) are read from.
    object_reader(const boost::json::value& v, std::string pointer, config_problems& problems,
                  const config_inputs& inputs = host_inputs());
    object_reader(const object_reader&) = delete;
    object_reader& operator=(const object_reader&) = delete;
    object_reader(object_reader&&) = default;

    bool is_object() const noexcept { return obj_ != nullptr; }
    // The object itself (nullptr if the value was not an object).
    const boost::json::object* value() const noexcept { return obj_; }
    const std::string& pointer() const noexcept { return pointer_; }
    std::string pointer_of(std::string_view key) const;
    const config_inputs& inputs() const { return *inputs_; }
    bool has(std::string_view key) const;

    std::optional<std::string> string(std::string_view key, need n = need::optional);
    std::string string_or(std::string_view key, std::string fallback);
    // A string that must be one of `allowed`.
    std::string one_of(std::string_view key, const std::vector<std::string>& allowed, std::string fallback);
    std::optional<bool> boolean(std::string_view key, need n = need::optional);
    bool boolean_or(std::string_view key, bool fallback);
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                        need n = need::optional);
    std::int64_t integer_or(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t fallback);
    std::optional<duration> dur(std::string_view key, need n = need::optional);
    duration dur_or(std::string_view key, duration fallback);
    // A secret: a string, {"file": "path"} (trailing newline trimmed) or {"env": "NAME"}. A file readable by
    // group or others is a warning naming it.
    std::optional<secret> secret_value(std::string_view key, need n = need::optional);
    std::vector<std::string> string_list(std::string_view key, need n = need::optional);
    // Calls fn(element reader, index, value) for every element of a list of secrets (each a secret_value
    // form); element_reader.problem(index, ...) reports at that element's pointer.
    void each_secret(std::string_view key,
                     const std::function<void(object_reader&, const std::string&, secret)>& fn);
    // Map of string -> string.
    std::vector<std::pair<std::string, std::string>> string_map(std::string_view key);

    // Nested object; nullopt (and a problem if required or not an object) when absent or wrong.
    std::optional<object_reader> object(std::string_view key, need n = need::optional);
    // Calls fn(element reader) for every element of an array of objects.
    void each_object(std::string_view key, const std::function<void(object_reader&)>& fn,
                     need n = need::optional);
    // Calls fn(name, reader) for every member of an object of objects.
    void each_member(std::string_view key, const std::function<void(const std::string&, object_reader&)>& fn);

    // Marks key as known and returns its raw value, or nullptr.
    const boost::json::value* raw(std::string_view key);
    // Records a problem at this object's key (or at the object itself when key is empty).
    void problem(std::string_view key, std::string message);
    // Reports every key no accessor asked for as "unknown key". Call once, after reading.
    void finish();

private:
    const boost::json::value* fetch(std::string_view key, need n, const char* expected);
    // The array at `key` (nullptr when absent, or not an array: then a problem saying `expected`).
    const boost::json::array* fetch_list(std::string_view key, need n, const char* expected);
    void warn_if_shared(std::string_view key, const std::string& file);

    const boost::json::object* obj_ = nullptr;
    std::string pointer_;
    config_problems* problems_;
    const config_inputs* inputs_;
    std::set<std::string, std::less<>> known_;
};

}  // namespace vk

#endif
