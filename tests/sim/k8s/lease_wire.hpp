// k8s-sim's Lease JSON: Lease and LeaseList as the API server writes them (coordination.k8s.io/v1), and the
// decoding of a Lease from a request body (typed spec fields, MicroTimes canonicalised). Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_LEASE_WIRE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_LEASE_WIRE_HPP

#include "lease_store.hpp"
#include "wire.hpp"

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ksim {

using decoded_lease = decoded<lease>;

// Decodes a POST/PUT body for namespace ns. 400 BadRequest (`Lease in version "v1" cannot be handled as a
// Lease: ...`) for bad JSON, a spec field of the wrong JSON type, an integer outside int32, or a time that is
// not a MicroTime; a metadata.namespace other than ns is 400 too.
outcome<decoded_lease> decode_lease(std::string_view body, const std::string& ns);

// A Lease object; list items carry no kind/apiVersion (with_kind = false), as the API server sends them.
boost::json::object lease_json(const lease& l, bool with_kind = true);
boost::json::object lease_list_json(const std::vector<lease>& items, std::uint64_t revision);

// The Lease's entries in object_front's ADL interface (see object_front.hpp).
inline outcome<decoded_lease> decode_body(const lease*, std::string_view body, const std::string& ns)
{
    return decode_lease(body, ns);
}
inline boost::json::object object_json(const lease& l, bool with_kind = true)
{
    return lease_json(l, with_kind);
}
inline boost::json::object list_json(const std::vector<lease>& items, std::uint64_t revision)
{
    return lease_list_json(items, revision);
}
// The fields every resource indexes for a fieldSelector.
inline std::map<std::string, std::string> selectable_fields(const lease& l)
{
    return {{"metadata.name", l.name}, {"metadata.namespace", l.ns}};
}

}  // namespace ksim

#endif
