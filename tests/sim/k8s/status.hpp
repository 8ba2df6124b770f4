// k8s-sim's failures: metav1.Status values worded as k8s.io/apimachinery/pkg/api/errors words them, for any
// resource the sim serves (core/v1 Secrets, coordination.k8s.io/v1 Leases), and the object-name rule they
// share. Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_STATUS_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_STATUS_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ksim {

// Which resource a Status speaks of: plural ("leases"), API group ("" = core), kind ("Lease").
struct resource_kind
{
    std::string plural;
    std::string group;
    std::string kind;
    // "secrets", "leases.coordination.k8s.io": how messages name the resource.
    std::string qualified_plural() const { return group.empty() ? plural : plural + "." + group; }
    // "Secret", "Lease.coordination.k8s.io": how Invalid messages name the kind.
    std::string qualified_kind() const { return group.empty() ? kind : kind + "." + group; }
};

const resource_kind& secrets_resource();
const resource_kind& leases_resource();

// A metav1.Status failure: HTTP code, reason ("NotFound"), message, details.{name, group, kind}.
struct status
{
    unsigned code = 500;
    std::string reason;
    std::string message;
    std::string name;              // details.name; "" = no details
    std::string kind = "secrets";  // details.kind ("Secret" for Invalid, as the API server has it)
    std::string group{};           // details.group; "" = core (omitted)
};

status not_found(const std::string& name, const resource_kind& r = secrets_resource());
status already_exists(const std::string& name, const resource_kind& r = secrets_resource());
// PUT with a stale metadata.resourceVersion.
status conflict(const std::string& name, const resource_kind& r = secrets_resource());
// DELETE whose preconditions.resourceVersion is not the stored one (the storage layer's wording).
status precondition_failed(const resource_kind& r, const std::string& ns, const std::string& name,
                           const std::string& precondition_rv, std::uint64_t current_rv);
status bad_request(std::string message);
// 422 Invalid: `<Kind> "<name>" is invalid: <field>: <detail>`, several errors as "[e1, e2]".
status invalid(const std::string& name, const std::string& field_detail,
               const resource_kind& r = secrets_resource());
status invalid(const std::string& name, const std::vector<std::string>& errors, const resource_kind& r);

template <class T> using outcome = std::variant<T, status>;

// RFC 1123 subdomain (object names).
bool valid_subdomain(const std::string& name);
// The metadata.name errors of ValidateObjectMeta with a DNS-subdomain name rule (none when valid).
std::vector<std::string> name_errors(const std::string& name);
std::string in_quotes(const std::string& s);

}  // namespace ksim

#endif
