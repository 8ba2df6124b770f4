// Reading an optional string of a JSON object a peer sent (a cloud token answer, a Consul entry, a stored
// record), where absence and another type both mean "not given".
#ifndef VAULTKEEPER_SERVER_CORE_JSON_FIELD_HPP
#define VAULTKEEPER_SERVER_CORE_JSON_FIELD_HPP

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace vk {

// The string at `key` of `o`; "" when it is absent or not a string.
std::string string_field(const boost::json::object& o, std::string_view key);

}  // namespace vk

#endif
