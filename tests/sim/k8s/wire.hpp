// k8s-sim's JSON: Secret, SecretList and metav1.Status as the API server writes them, and the decoding of a
// Secret from a request body (base64 data, stringData merged in, namespace checks). Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_WIRE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_WIRE_HPP

#include "secret_store.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim {

// A Secret from a request body.
struct decoded_secret
{
    secret object;
    std::optional<std::string> resource_version;  // metadata.resourceVersion when sent
    std::string generate_name;                    // metadata.generateName
};

// Decodes a POST/PUT body for namespace ns. 400 BadRequest for bodies the API server cannot decode (bad JSON,
// a non-string or non-base64 data value) or a metadata.namespace other than ns.
outcome<decoded_secret> decode_secret(std::string_view body, const std::string& ns);
// The resourceVersion precondition of a DELETE body (DeleteOptions), nullopt when there is none. A body that
// is not JSON -> 400.
outcome<std::optional<std::string>> decode_delete_preconditions(std::string_view body);

// A Secret object; list items carry no kind/apiVersion (with_kind = false), as the API server sends them.
boost::json::object secret_json(const secret& s, bool with_kind = true);
boost::json::object secret_list_json(const std::vector<secret>& items, std::uint64_t revision);
// A Failure Status.
boost::json::object status_json(const status& st);
// The Success Status a delete of a Secret answers.
boost::json::object deleted_json(const secret& s);

// Go's base64.StdEncoding error: "illegal base64 data at input byte N"; nullopt when `text` decodes.
std::optional<std::string> base64_error(std::string_view text);

}  // namespace ksim

#endif
