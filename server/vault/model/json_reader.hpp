// Internal: a lenient-on-absence, strict-on-type reader of Vault JSON objects used by the decoders.
// A missing or null field reads as its default; a field of the wrong type marks the reader failed.
#ifndef VAULTKEEPER_SERVER_VAULT_MODEL_JSON_READER_HPP
#define VAULTKEEPER_SERVER_VAULT_MODEL_JSON_READER_HPP

#include "core/error.hpp"
#include "core/secret.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vk::vault::detail {

class json_reader
{
public:
    explicit json_reader(const boost::json::object* o)
        : o_(o)
    {
    }

    std::string str(std::string_view key);
    bool boolean(std::string_view key);
    std::uint64_t u64(std::string_view key);
    std::int64_t i64(std::string_view key);
    // Nested object; nullptr when missing or null.
    const boost::json::object* obj(std::string_view key);
    // Nested array; nullptr when missing or null.
    const boost::json::array* arr(std::string_view key);
    // An array of strings; [] when missing.
    std::vector<std::string> strings(std::string_view key);
    // An array of strings held as secrets from `source` (key shares, tokens); [] when missing.
    std::vector<secret> secrets(std::string_view key, std::string_view source);
    // An object of string values; {} when missing.
    std::map<std::string, std::string> string_map(std::string_view key);

    bool ok() const noexcept { return problem_.empty(); }
    const std::string& problem() const noexcept { return problem_; }
    // Records a failure (first one wins).
    void fail(std::string what);

private:
    const boost::json::value* get(std::string_view key) const;

    const boost::json::object* o_;
    std::string problem_;
};

// Parses a body that must be a JSON object; errc::bad_response otherwise.
result<boost::json::object> parse_object(std::string_view body);

// The object under "data" of a Vault envelope; errc::bad_response when missing or not an object.
result<boost::json::object> envelope_data(std::string_view body);

// errc::bad_response "malformed reply: <what>".
error malformed(std::string what);

}  // namespace vk::vault::detail

#endif
