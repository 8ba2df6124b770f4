// k8s-sim's JSON: Secret, SecretList, ObjectMeta and metav1.Status as the API server writes them, and the
// decoding of a request body (ObjectMeta for every kind; a Secret's base64 data and stringData). Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_WIRE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_WIRE_HPP

#include "secret_store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim {

// What every kind's POST/PUT body shares: the decoded JSON and its ObjectMeta.
struct decoded_object
{
    boost::json::object body;
    std::string name;
    std::string generate_name;
    std::optional<std::string> resource_version;  // metadata.resourceVersion when sent (non-empty)
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
};

// Parses a body for namespace ns: 400 for bad JSON, a metadata.namespace other than ns, or labels/annotations
// that are not string maps (cannot_handle_prefix: `<Kind> in version "v1" cannot be handled as a <Kind>: `).
outcome<decoded_object> decode_object(std::string_view body, const std::string& ns,
                                      const std::string& cannot_handle_prefix);

// An object of kind T from a request body.
template <class T> struct decoded
{
    T object;
    std::optional<std::string> resource_version;  // metadata.resourceVersion when sent
    std::string generate_name;                    // metadata.generateName
};
using decoded_secret = decoded<secret>;

// Moves the ObjectMeta of `from` into a decoded<T> of namespace ns (T as in meta_json).
template <class T> decoded<T> take_meta(decoded_object& from, const std::string& ns)
{
    decoded<T> d;
    d.object.ns = ns;
    d.object.name = std::move(from.name);
    d.object.labels = std::move(from.labels);
    d.object.annotations = std::move(from.annotations);
    d.resource_version = std::move(from.resource_version);
    d.generate_name = std::move(from.generate_name);
    return d;
}

// Decodes a POST/PUT body for namespace ns. 400 BadRequest for bodies the API server cannot decode (bad JSON,
// a non-string or non-base64 data value) or a metadata.namespace other than ns.
outcome<decoded_secret> decode_secret(std::string_view body, const std::string& ns);
// The resourceVersion precondition of a DELETE body (DeleteOptions), nullopt when there is none. A body that
// is not JSON -> 400.
outcome<std::optional<std::string>> decode_delete_preconditions(std::string_view body);

// A Secret object; list items carry no kind/apiVersion (with_kind = false), as the API server sends them.
boost::json::object secret_json(const secret& s, bool with_kind = true);
boost::json::object secret_list_json(const std::vector<secret>& items, std::uint64_t revision);
// A list (kind e.g. "SecretList") whose metadata.resourceVersion is the table's revision; items without
// kind/apiVersion (object_json(item, false), found by ADL), as the API server sends them.
template <class T>
boost::json::object list_of(const std::vector<T>& items, std::uint64_t revision, std::string_view kind,
                            std::string_view api_version)
{
    boost::json::array arr;
    for (const auto& o : items)
        arr.push_back(object_json(o, false));
    return {{"kind", kind},
            {"apiVersion", api_version},
            {"metadata", {{"resourceVersion", std::to_string(revision)}}},
            {"items", std::move(arr)}};
}

// A Failure Status.
boost::json::object status_json(const status& st);
// The Success Status a delete answers.
boost::json::object deleted_json(const std::string& name, const std::string& uid, const resource_kind& r);

// ObjectMeta as the API server writes it (labels/annotations only when set); T as in object_store.hpp plus
// labels and annotations.
boost::json::object string_map(const std::map<std::string, std::string>& m);
template <class T> boost::json::object meta_json(const T& o)
{
    boost::json::object meta{{"name", o.name},
                             {"namespace", o.ns},
                             {"uid", o.uid},
                             {"resourceVersion", std::to_string(o.resource_version)},
                             {"creationTimestamp", o.creation_timestamp}};
    if (!o.labels.empty())
        meta["labels"] = string_map(o.labels);
    if (!o.annotations.empty())
        meta["annotations"] = string_map(o.annotations);
    return meta;
}
// obj[key] when it is a string.
std::optional<std::string> string_field(const boost::json::object& obj, std::string_view key);

// The Secret's entries in object_front's ADL interface (see object_front.hpp).
inline outcome<decoded_secret> decode_body(const secret*, std::string_view body, const std::string& ns)
{
    return decode_secret(body, ns);
}
inline boost::json::object object_json(const secret& s, bool with_kind = true)
{
    return secret_json(s, with_kind);
}
inline boost::json::object list_json(const std::vector<secret>& items, std::uint64_t revision)
{
    return secret_list_json(items, revision);
}
// The fields the API server indexes for a Secret's fieldSelector.
inline std::map<std::string, std::string> selectable_fields(const secret& s)
{
    return {{"metadata.name", s.name}, {"metadata.namespace", s.ns}, {"type", s.type}};
}

// Go's base64.StdEncoding error: "illegal base64 data at input byte N"; nullopt when `text` decodes.
std::optional<std::string> base64_error(std::string_view text);

}  // namespace ksim

#endif
