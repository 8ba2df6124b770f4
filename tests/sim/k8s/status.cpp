// k8s-sim's failures (see status.hpp). Wording from k8s.io/apimachinery/pkg/api/errors and
// k8s.io/apiserver/pkg/storage (the precondition failure of a delete).
#include "status.hpp"

namespace ksim {

namespace {

std::string cannot_fulfil(const resource_kind& r, const std::string& name, const std::string& why)
{
    return "Operation cannot be fulfilled on " + r.qualified_plural() + " " + in_quotes(name) + ": " + why;
}

// A Status whose details name the object, as the API server's errors.New* constructors fill them.
status about(unsigned code, std::string reason, std::string message, const std::string& name,
             const resource_kind& r)
{
    return {code, std::move(reason), std::move(message), name, r.plural, r.group};
}

}  // namespace

const resource_kind& secrets_resource()
{
    static const resource_kind r{"secrets", "", "Secret"};
    return r;
}

const resource_kind& leases_resource()
{
    static const resource_kind r{"leases", "coordination.k8s.io", "Lease"};
    return r;
}

std::string in_quotes(const std::string& s)
{
    return "\"" + s + "\"";
}

status not_found(const std::string& name, const resource_kind& r)
{
    return about(404, "NotFound", r.qualified_plural() + " " + in_quotes(name) + " not found", name, r);
}

status already_exists(const std::string& name, const resource_kind& r)
{
    return about(409, "AlreadyExists", r.qualified_plural() + " " + in_quotes(name) + " already exists", name,
                 r);
}

status conflict(const std::string& name, const resource_kind& r)
{
    return about(
        409, "Conflict",
        cannot_fulfil(r, name,
                      "the object has been modified; please apply your changes to the latest version "
                      "and try again"),
        name, r);
}

status precondition_failed(const resource_kind& r, const std::string& ns, const std::string& name,
                           const std::string& precondition_rv, std::uint64_t current_rv)
{
    return about(409, "Conflict",
                 cannot_fulfil(r, name,
                               "StorageError: invalid object, Code: 4, Key: /registry/" + r.plural + "/" +
                                   ns + "/" + name +
                                   ", ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: "
                                   "ResourceVersion in precondition: " +
                                   precondition_rv +
                                   ", ResourceVersion in object meta: " + std::to_string(current_rv)),
                 name, r);
}

status bad_request(std::string message)
{
    return {400, "BadRequest", std::move(message), ""};
}

status invalid(const std::string& name, const std::string& field_detail, const resource_kind& r)
{
    return {422,  "Invalid", r.qualified_kind() + " " + in_quotes(name) + " is invalid: " + field_detail,
            name, r.kind,    r.group};
}

status invalid(const std::string& name, const std::vector<std::string>& errors, const resource_kind& r)
{
    std::string joined = errors.size() == 1 ? errors[0] : "[";
    for (std::size_t i = 0; errors.size() > 1 && i < errors.size(); ++i)
        joined += (i ? ", " : "") + errors[i] + (i + 1 == errors.size() ? "]" : "");
    return invalid(name, joined, r);
}

bool valid_subdomain(const std::string& name)
{
    if (name.empty() || name.size() > 253)
        return false;
    // Labels of [a-z0-9-] separated by dots, each starting and ending with an alphanumeric character.
    char prev = '.';
    for (char c : name)
    {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '.')
            return false;
        if ((c == '.' && prev == '-') || (c == '-' && prev == '.') || (c == '.' && prev == '.'))
            return false;
        prev = c;
    }
    return name.back() != '-' && name.back() != '.' && name.front() != '-';
}

std::vector<std::string> name_errors(const std::string& name)
{
    if (name.empty())
        return {"metadata.name: Required value: name or generateName is required"};
    if (name.size() > 253)
        return {"metadata.name: Invalid value: " + in_quotes(name) + ": must be no more than 253 characters"};
    if (!valid_subdomain(name))
        return {"metadata.name: Invalid value: " + in_quotes(name) +
                ": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
                "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
                "used for validation is "
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"};
    return {};
}

}  // namespace ksim
