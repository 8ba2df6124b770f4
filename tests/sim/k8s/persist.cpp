// k8s-sim's persistence (see persist.hpp).
#include "persist.hpp"

#include "common/http.hpp"
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

std::string dump_state(const secret_store& store)
{
    json::array items;
    for (const auto& s : store.list("", {}))
        items.push_back(secret_json(s, false));
    return json::serialize(json::object{{"revision", store.revision()}, {"items", std::move(items)}});
}

namespace {

// Secrets from persisted items; throws on a malformed item.
void collect_items(const json::array& items, std::vector<secret>& secrets)
{
    for (const auto& item : items)
    {
        const auto& meta = item.at("metadata").as_object();
        auto decoded = decode_secret(json::serialize(item), std::string(meta.at("namespace").as_string()));
        if (auto* st = std::get_if<status>(&decoded))
            throw std::runtime_error(st->message);
        auto s = std::get<decoded_secret>(std::move(decoded)).object;
        s.uid = meta.at("uid").as_string();
        s.creation_timestamp = meta.at("creationTimestamp").as_string();
        s.resource_version = std::stoull(std::string(meta.at("resourceVersion").as_string()));
        secrets.push_back(std::move(s));
    }
}

}  // namespace

bool restore_state(const std::string& text, secret_store& store, std::string& error)
{
    auto doc = simc::parse_json(text);
    error = "not a k8s-sim state file";
    if (!doc || !doc->is_object() || !doc->as_object().contains("items"))
        return false;
    std::vector<secret> secrets;
    try
    {
        collect_items(doc->as_object().at("items").as_array(), secrets);
        store.restore(doc->as_object().at("revision").to_number<std::uint64_t>(), std::move(secrets));
    }
    catch (const std::exception& e)
    {
        error = std::string("bad k8s-sim state file: ") + e.what();
        return false;
    }
    return true;
}

bool save_state_file(const std::string& dir, const secret_store& store)
{
    const auto path = std::filesystem::path(dir) / "secrets.json";
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << dump_state(store);
        if (!out.flush())
            return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool load_state_file(const std::string& dir, secret_store& store, std::string& error)
{
    const auto path = std::filesystem::path(dir) / "secrets.json";
    std::ifstream in(path);
    if (!in)
        return true;
    std::stringstream ss;
    ss << in.rdbuf();
    return restore_state(ss.str(), store, error);
}

}  // namespace ksim
