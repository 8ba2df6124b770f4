// k8s-sim's HTTP verbs over one table (see object_front.hpp).
#include "object_front.hpp"

#include "front_util.hpp"
#include "lease_wire.hpp"
#include "persist.hpp"
#include "wire.hpp"

#include <stdexcept>

namespace ksim {

using simc::request;
using simc::response;

template <class T>
object_front<T>::object_front(std::string data_dir, typename object_store<T>::stamper stamp)
    : data_dir_(std::move(data_dir)),
      store_(std::move(stamp))
{
    std::string error;
    if (!data_dir_.empty() && !load_state_file(data_dir_, store_, error))
        throw std::runtime_error(error);
}

template <class T>
response object_front<T>::serve(const request& req, const std::string& ns, const std::string& name, bool item)
{
    if (ns.empty() && !item && req.method != "GET")
        return status_response(method_not_allowed());
    return route_verb(*this, req, ns, name, item);
}

template <class T> response object_front<T>::list(const request& req, const std::string& ns)
{
    std::string error;
    std::vector<std::string> keys;
    for (const auto& [key, value] : selectable_fields(T{}))
        keys.push_back(key);
    const auto filter = parse_list_filter(req, keys, error);
    if (!filter)
        return status_response(bad_request(error));
    auto items = store_.list(ns, [&](const T& o) { return filter->matches(o.labels, selectable_fields(o)); });
    return object_response(200, list_json(items, store_.revision()));
}

template <class T> response object_front<T>::create(const request& req, const std::string& ns)
{
    auto decoded = decode_body(static_cast<const T*>(nullptr), req.body, ns);
    if (auto* st = std::get_if<status>(&decoded))
        return status_response(*st);
    auto& d = std::get<ksim::decoded<T>>(decoded);
    if (d.resource_version)
        return status_response(
            {500, "InternalError", "resourceVersion should not be set on objects to be created", ""});
    if (d.object.name.empty() && !d.generate_name.empty())
        d.object.name = d.generate_name + random_suffix();
    auto created = store_.create(std::move(d.object));
    if (auto* st = std::get_if<status>(&created))
        return status_response(*st);
    persist();
    return object_response(201, object_json(std::get<T>(created)));
}

template <class T> response object_front<T>::read(const std::string& ns, const std::string& name)
{
    const auto* o = store_.get(ns, name);
    return o ? object_response(200, object_json(*o))
             : status_response(not_found(name, resource_of(static_cast<const T*>(nullptr))));
}

template <class T>
response object_front<T>::replace(const request& req, const std::string& ns, const std::string& name)
{
    auto decoded = decode_body(static_cast<const T*>(nullptr), req.body, ns);
    if (auto* st = std::get_if<status>(&decoded))
        return status_response(*st);
    auto& d = std::get<ksim::decoded<T>>(decoded);
    if (d.object.name != name)
        return status_response(bad_request("the name of the object (" + d.object.name +
                                           ") does not match the name on the URL (" + name + ")"));
    const auto before = store_.revision();
    auto updated = store_.replace(std::move(d.object), d.resource_version);
    if (auto* st = std::get_if<status>(&updated))
        return status_response(*st);
    if (store_.revision() != before)
        persist();
    return object_response(200, object_json(std::get<T>(updated)));
}

template <class T>
response object_front<T>::remove(const request& req, const std::string& ns, const std::string& name)
{
    auto pre = decode_delete_preconditions(req.body);
    if (auto* st = std::get_if<status>(&pre))
        return status_response(*st);
    auto removed = store_.remove(ns, name, std::get<std::optional<std::string>>(pre));
    if (auto* st = std::get_if<status>(&removed))
        return status_response(*st);
    persist();
    const auto& gone = std::get<T>(removed);
    return object_response(200, deleted_json(gone.name, gone.uid, resource_of(&gone)));
}

template <class T> void object_front<T>::clear()
{
    store_.clear();
    persist();
}

template <class T> void object_front<T>::persist()
{
    // A sim that cannot write its state must not pretend it did: fail loudly.
    if (!data_dir_.empty() && !save_state_file(data_dir_, store_))
        throw std::runtime_error("cannot write " + data_dir_ + "/" + state_file_name(store_));
}

template class object_front<secret>;
template class object_front<lease>;

}  // namespace ksim
