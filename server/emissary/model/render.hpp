// Rendering an emissary template in memory from the values fetched so far. Complete only when every value it
// names is present; otherwise the references still missing are returned (names only, never values).
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_RENDER_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_RENDER_HPP

#include "core/base64.hpp"
#include "emissary/model/template.hpp"

#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::emissary {

// The sentinel operators store to say "this value is deliberately not set yet".
inline constexpr std::string_view intentionally_empty = "intentionally-empty";

// What a source answered for one (source, path). Absent from the map = not fetched yet (also missing, even
// for secretOr, so a default never renders before the real value had a chance to arrive).
struct fetched
{
    bool present = false;      // false: 404, deleted, or the source said there is nothing
    boost::json::value value;  // a Vault secret's data object, or a string (Consul, file, env, http)
};
using value_map = std::map<dependency, fetched>;
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

// The text a reference selects: the whole value or a field / JSON pointer (a string value is parsed as JSON
// when a field is asked for). nullopt when missing: absent, no such field, null, "" or intentionally-empty.
std::optional<std::string> select(const fetched& f, std::string_view field);

struct render_result
{
    std::optional<std::string> text;   // set only when complete
    std::vector<std::string> missing;  // references (action::reference()), sorted, unique
    std::vector<std::string>
        errors;  // "line:column: base64decode: not valid base64 (source path)"; no values
    // Per node of the template (empty for text, env and missing values): the value it substituted before and
    // after each filter, for redaction.
    std::vector<std::vector<std::string>> secrets;
    bool complete() const { return text.has_value(); }
};

render_result render(const template_ast& ast, const value_map& values, const env_lookup& env);

using vk::base64_decode;
using vk::base64_encode;
std::string go_quote(std::string_view s);
std::string indent_lines(std::string_view s, int width);

}  // namespace vk::emissary

#endif
