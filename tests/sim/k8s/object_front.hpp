// k8s-sim's HTTP verbs over one resource's table: list (with selectors), create, read, replace, delete, as
// the API server's generic registry answers them, with the table persisted to data_dir after every change.
// Authentication, dryRun and path splitting stay in k8s_sim.cpp. Instantiated for secret and lease.
//
// T's wire functions are found by ADL (wire.hpp, lease_wire.hpp):
//   outcome<decoded<T>> decode_body(const T*, std::string_view body, const std::string& ns);
//   boost::json::object object_json(const T&, bool with_kind = true);
//   boost::json::object list_json(const std::vector<T>&, std::uint64_t revision);
//   std::map<std::string, std::string> selectable_fields(const T&);   what fieldSelector may name
#ifndef VAULTKEEPER_TESTS_SIM_K8S_OBJECT_FRONT_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_OBJECT_FRONT_HPP

#include "common/http.hpp"
#include "object_store.hpp"

#include <string>

namespace ksim {

template <class T> class object_front
{
public:
    // Loads data_dir/<table>.json when it exists ("" = in memory only); throws std::runtime_error when it
    // cannot be read.
    explicit object_front(std::string data_dir, typename object_store<T>::stamper stamp = {});

    // "<collection>" (item = false; ns "" = every namespace, GET only) or "<collection>/<name>".
    simc::response serve(const simc::request& req, const std::string& ns, const std::string& name, bool item);

    // Empties the table (and its file); resourceVersions keep growing.
    void clear();
    object_store<T>& store() { return store_; }

    // The verbs (route_verb calls them).
    simc::response list(const simc::request& req, const std::string& ns);
    simc::response create(const simc::request& req, const std::string& ns);
    simc::response read(const std::string& ns, const std::string& name);
    simc::response replace(const simc::request& req, const std::string& ns, const std::string& name);
    simc::response remove(const simc::request& req, const std::string& ns, const std::string& name);

private:
    // Writes the table to data_dir (when set) after a change.
    void persist();

    std::string data_dir_;
    object_store<T> store_;
};

}  // namespace ksim

#endif
