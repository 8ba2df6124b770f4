// Go-style JSON field lookup: an exact name match first, then a case-insensitive one (encoding/json), so
// python-consul's lowercase "ttl"/"behavior"/"lockdelay" decode like Consul decodes them.
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_JSON_FIELDS_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_JSON_FIELDS_HPP

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csim {

const boost::json::value* field(const boost::json::object& obj, std::string_view name);

// Typed accessors: nullopt when absent or null; `bad` set when present with the wrong type.
std::optional<std::string> string_field(const boost::json::object& obj, std::string_view name, bool& bad);
std::optional<std::uint64_t> uint_field(const boost::json::object& obj, std::string_view name, bool& bad);

}  // namespace csim

#endif
