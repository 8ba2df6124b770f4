// The template's helper functions and filters, consul-template's names and argument orders: in a pipeline
// the value on the left is passed LAST (`{{ $s | replaceAll "a" "b" }}` is replaceAll("a", "b", $s)).
// Values are JSON values with a taint bit: anything computed from a secret is a secret (redacted).
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_TEMPLATE_FUNCTIONS_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_TEMPLATE_FUNCTIONS_HPP

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace vk::emissary {

struct tvalue
{
    boost::json::value v;
    bool secret = false;
};

struct function_info
{
    std::string_view name;
    int min_args;  // counting the piped value
    int max_args;  // -1: any number
    bool data;     // reads a source (secret, ls, ...): literal arguments, never piped into
};
// nullptr for an unknown name.
const function_info* find_function(std::string_view name);

// What a helper returned: a value, or an error message naming the function (never a value).
struct call_outcome
{
    tvalue value;
    std::string error;
    bool ok() const { return error.empty(); }
};
// Applies a helper or filter (not a data function) to its arguments, the piped value last.
call_outcome call_function(std::string_view name, const std::vector<tvalue>& args);

// How a value prints: strings as they are, numbers and booleans as Go prints them, null as "", lists and
// maps as JSON.
std::string to_text(const boost::json::value& v);
// Go's truth: false, 0, null, "" and empty lists and maps are false.
bool truthy(const boost::json::value& v);

}  // namespace vk::emissary

#endif
