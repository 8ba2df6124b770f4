// k8s-sim's persistence (see persist.hpp).
#include "persist.hpp"

#include "common/http.hpp"
#include "lease_wire.hpp"
#include "wire.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ksim {

namespace json = boost::json;

namespace {

template <class T> std::string dump(const object_store<T>& store)
{
    json::array items;
    for (const auto& o : store.list("", {}))
        items.push_back(object_json(o, false));
    return json::serialize(json::object{{"revision", store.revision()}, {"items", std::move(items)}});
}

// Objects from persisted items, with the uid, timestamp and resourceVersion they had; throws on a malformed
// item.
template <class T> std::vector<T> collect_items(const json::array& items)
{
    std::vector<T> out;
    for (const auto& item : items)
    {
        const auto& meta = item.at("metadata").as_object();
        auto parsed = decode_body(static_cast<const T*>(nullptr), json::serialize(item),
                                  std::string(meta.at("namespace").as_string()));
        if (auto* st = std::get_if<status>(&parsed))
            throw std::runtime_error(st->message);
        auto o = std::get<decoded<T>>(std::move(parsed)).object;
        o.uid = meta.at("uid").as_string();
        o.creation_timestamp = meta.at("creationTimestamp").as_string();
        o.resource_version = std::stoull(std::string(meta.at("resourceVersion").as_string()));
        out.push_back(std::move(o));
    }
    return out;
}

template <class T> bool restore(const std::string& text, object_store<T>& store, std::string& error)
{
    auto doc = simc::parse_json(text);
    error = "not a k8s-sim state file";
    if (!doc || !doc->is_object() || !doc->as_object().contains("items"))
        return false;
    try
    {
        auto objects = collect_items<T>(doc->as_object().at("items").as_array());
        store.restore(doc->as_object().at("revision").to_number<std::uint64_t>(), std::move(objects));
    }
    catch (const std::exception& e)
    {
        error = std::string("bad k8s-sim state file: ") + e.what();
        return false;
    }
    return true;
}

}  // namespace

std::string dump_state(const secret_store& store)
{
    return dump(store);
}

std::string dump_state(const lease_store& store)
{
    return dump(store);
}

bool restore_state(const std::string& text, secret_store& store, std::string& error)
{
    return restore(text, store, error);
}

bool restore_state(const std::string& text, lease_store& store, std::string& error)
{
    return restore(text, store, error);
}

std::string state_file_name(const secret_store&)
{
    return "secrets.json";
}

std::string state_file_name(const lease_store&)
{
    return "leases.json";
}

template <class Store> bool save_state_file(const std::string& dir, const Store& store)
{
    const auto path = std::filesystem::path(dir) / state_file_name(store);
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << dump_state(store);
        if (!out.flush())
            return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

template <class Store> bool load_state_file(const std::string& dir, Store& store, std::string& error)
{
    const auto path = std::filesystem::path(dir) / state_file_name(store);
    std::ifstream in(path);
    if (!in)
        return true;
    std::stringstream ss;
    ss << in.rdbuf();
    if (restore_state(ss.str(), store, error))
        return true;
    error = path.string() + ": " + error;
    return false;
}

template bool save_state_file(const std::string&, const secret_store&);
template bool save_state_file(const std::string&, const lease_store&);
template bool load_state_file(const std::string&, secret_store&, std::string&);
template bool load_state_file(const std::string&, lease_store&, std::string&);

}  // namespace ksim
