// k8s-sim's Secret table: the rules of the API server's generic registry store for core/v1 Secrets
// (create, unconditional or resourceVersion-guarded update, delete with preconditions), with one cluster-wide
// revision counter as etcd keeps it. Pure: no I/O; errors are Status values worded as the API server words
// them.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_SECRET_STORE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_SECRET_STORE_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ksim {

struct secret
{
    std::string ns;
    std::string name;
    std::string uid;
    std::string creation_timestamp;  // RFC 3339, UTC, seconds
    std::uint64_t resource_version = 0;
    std::string type = "Opaque";
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
    std::map<std::string, std::string> data;  // decoded bytes
};

// A metav1.Status failure: HTTP code, reason ("NotFound"), message, details.name.
struct status
{
    unsigned code = 500;
    std::string reason;
    std::string message;
    std::string name;              // details.name; "" = no details
    std::string kind = "secrets";  // details.kind ("Secret" for Invalid, as the API server has it)
};

status not_found(const std::string& name);
status already_exists(const std::string& name);
// PUT with a stale metadata.resourceVersion.
status conflict(const std::string& name);
status bad_request(std::string message);
// 422 Invalid: `Secret "<name>" is invalid: <field>: <detail>`.
status invalid(const std::string& name, const std::string& field_detail);

template <class T> using outcome = std::variant<T, status>;

class secret_store
{
public:
    // Fresh uid and creation timestamp for a created secret (tests inject deterministic ones).
    using stamper = std::function<std::pair<std::string, std::string>()>;
    explicit secret_store(stamper stamp = {});

    const secret* get(const std::string& ns, const std::string& name) const;
    // Secrets of namespace ns ("" = every namespace) accepted by filter, sorted by namespace then name.
    std::vector<secret> list(const std::string& ns, const std::function<bool(const secret&)>& filter) const;
    // The latest revision (a list's metadata.resourceVersion).
    std::uint64_t revision() const { return revision_; }

    // POST: validates, then creates with the next revision. AlreadyExists (409) when the name is taken.
    outcome<secret> create(secret s);
    // PUT: NotFound when absent; expected_rv set and different -> Conflict; type is immutable. An update
    // that changes nothing keeps the resourceVersion (the API server skips the etcd write).
    outcome<secret> replace(secret s, const std::optional<std::string>& expected_rv);
    // DELETE: NotFound when absent; a resourceVersion precondition that does not match -> Conflict.
    outcome<secret> remove(const std::string& ns, const std::string& name,
                           const std::optional<std::string>& precondition_rv);

    // Empties the table; the revision keeps growing.
    void clear() { secrets_.clear(); }
    // Loads a persisted state (no validation, revisions kept).
    void restore(std::uint64_t revision, std::vector<secret> secrets);
    std::size_t size() const { return secrets_.size(); }

private:
    std::map<std::pair<std::string, std::string>, secret> secrets_;
    std::uint64_t revision_ = 0;
    stamper stamp_;
};

// Validation of a Secret as the API server's ValidateSecret does it (name, data keys, total size); nullopt =
// ok.
std::optional<status> validate(const secret& s);
// RFC 1123 subdomain (object names).
bool valid_subdomain(const std::string& name);

}  // namespace ksim

#endif
