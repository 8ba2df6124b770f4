// What k8s-sim's HTTP fronts (Secrets in k8s_sim.cpp, Leases in lease_front.cpp) share: Status and object
// answers, the verb dispatch of a collection/item path, list selectors, generateName suffixes.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_FRONT_UTIL_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_FRONT_UTIL_HPP

#include "common/http.hpp"
#include "label_selector.hpp"
#include "status.hpp"

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <vector>

namespace ksim {

// A Status answer (Content-Type application/json, the Status's code as HTTP status).
simc::response status_response(const status& st);
// An object answer, with the API server's Cache-Control.
simc::response object_response(unsigned code, boost::json::object body);

status unknown_resource();
status method_not_allowed();
// 415 unless the body is empty or JSON (the API server decodes by Content-Type; k8s-sim speaks JSON only).
std::optional<status> unsupported_body(const simc::request& req);

// The generateName suffix: five characters of the API server's alphabet (no vowels, no confusables).
std::string random_suffix();

// A list's labelSelector and fieldSelector (fields limited to field_keys, as the API server indexes them per
// resource); nullopt and the BadRequest message when either does not parse.
struct list_filter
{
    label_selector labels;
    label_selector fields;
    bool matches(const std::map<std::string, std::string>& object_labels,
                 const std::map<std::string, std::string>& object_fields) const
    {
        return labels.matches(object_labels) && fields.matches(object_fields);
    }
};
std::optional<list_filter> parse_list_filter(const simc::request& req,
                                             const std::vector<std::string>& field_keys, std::string& error);

// The verb dispatch of "<collection>" (item = false) and "<collection>/<name>": GET lists or reads, POST
// creates, PUT replaces, DELETE removes; anything else is 405. Front has list(req, ns), create(req, ns),
// read(ns, name), replace(req, ns, name), remove(req, ns, name).
template <class Front>
simc::response route_verb(Front& front, const simc::request& req, const std::string& ns,
                          const std::string& name, bool item)
{
    const auto& m = req.method;
    if (auto bad = unsupported_body(req))
        return status_response(*bad);
    if (!item && m == "GET")
        return front.list(req, ns);
    if (!item && m == "POST")
        return front.create(req, ns);
    if (item && m == "GET")
        return front.read(ns, name);
    if (item && m == "PUT")
        return front.replace(req, ns, name);
    if (item && m == "DELETE")
        return front.remove(req, ns, name);
    return status_response(method_not_allowed());
}

}  // namespace ksim

#endif
