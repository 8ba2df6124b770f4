// Rendering an emissary template in memory from the values and listings fetched so far. Complete only when
// every value it evaluates is present (and every safeLs / safeTree prefix has keys); otherwise the references
// still missing are returned (names and prefixes only, never values).
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_RENDER_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_RENDER_HPP

#include "core/base64.hpp"
#include "emissary/model/lease.hpp"
#include "emissary/model/template.hpp"

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
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
    std::optional<std::uint64_t> version{};  // Vault KV v2: the version read (the version checks compare it)
    // A dynamic Vault source's lease (value is the answer's data): `secret` with no field yields the whole
    // answer {Data, LeaseID, LeaseDuration, Renewable}.
    std::optional<lease_info> lease = std::nullopt;
};
using value_map = std::map<dependency, fetched>;
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

// The text a reference selects: the whole value or a field / JSON pointer (a string value is parsed as JSON
// when a field is asked for). nullopt when missing: absent, no such field, null, "" or intentionally-empty.
std::optional<std::string> select(const fetched& f, std::string_view field);

struct render_result
{
    std::optional<std::string> text;   // set only when complete
    std::vector<std::string> missing;  // references (call_site::reference()), sorted, unique
    std::vector<std::string>
        errors;  // "line:column: base64decode: not valid base64 (source path)"; no values
    // Per output node (node::output): every value derived from a secret that it computed (each stage of its
    // pipeline, each iteration of an enclosing range), for redaction. Empty for text, env and literals.
    std::vector<std::vector<std::string>> secrets;
    std::set<dependency> waiting_on;  // the dependencies of the missing references
    bool complete() const { return text.has_value(); }
};

render_result render(const template_ast& ast, const value_map& values, const env_lookup& env);

// A Consul listing as a `tree` dependency records it: [{"Path": key, "Value": value}, ...] in key order.
boost::json::value consul_listing(const std::vector<std::pair<std::string, std::string>>& keys_and_values);
// What ls (direct_only: no '/' below the prefix) or tree yields from a listing, as consul-template: objects
// {Key: the key relative to the prefix, Value, Path: the whole key}; folders (keys ending in '/') left out.
boost::json::array list_entries(const boost::json::value& listing, std::string_view prefix, bool direct_only);
// The strings of an answer that must be hidden: every string of a value; a Consul listing's values (not its
// keys); nothing of a Vault listing (names).
std::vector<std::string> secret_strings(const dependency& d, const fetched& f);

using vk::base64_decode;
using vk::base64_encode;
std::string go_quote(std::string_view s);
std::string indent_lines(std::string_view s, int width);

}  // namespace vk::emissary

#endif
