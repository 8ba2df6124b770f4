// location_of: a store's directory or its cluster and namespace, normalised lexically, with the namespace a
// store without one uses resolved the way kubernetes::resolve does where the config alone tells it.
#include "keeper/model/store_location.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <type_traits>

namespace vk::keeper {
namespace {

std::string lowercase(std::string_view s)
{
    std::string out(s);
    std::ranges::transform(out, out.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

void drop_suffix(std::string& s, std::string_view suffix)
{
    if (s.ends_with(suffix))
        s.resize(s.size() - suffix.size());
}

// A cluster entry's place, and the namespace a store naming none uses: an explicit entry's is "default"; an
// in-cluster entry's is read from <service_account_dir>/namespace and a kubeconfig's from its context at run
// time, so those stand for themselves (the same entry, the same default).
store_location cluster_location(const kubernetes_config& c, const std::string& ns)
{
    if (c.in_cluster)
        return {"in-cluster",
                ns.empty() ? "(default of " + normal_directory(c.service_account_dir) + ")" : ns};
    if (!c.kubeconfig.empty())
        return {"kubeconfig " + normal_directory(c.kubeconfig) + " context " + c.context,
                ns.empty() ? "(default)" : ns};
    return {"api " + normal_api_server(c.api_server), ns.empty() ? "default" : ns};
}

// A bucket (or container) at its service; the key prefix plays the namespace. Prefixes are compared whole:
// objects are listed one level deep, so "a/" and "a/b/" hold different objects.
store_location object_location(const object_store_settings& o)
{
    struct place
    {
        std::string operator()(const cloud::s3_storage_settings& s) const
        {
            auto service = s.endpoint.empty() ? "aws " + s.region : normal_api_server(s.endpoint);
            return "s3 " + service + " bucket " + s.bucket;
        }
        std::string operator()(const cloud::gcs_storage_settings& s) const
        {
            return "gcs " + (s.endpoint.empty() ? "google" : normal_api_server(s.endpoint)) + " bucket " +
                   s.bucket;
        }
        std::string operator()(const cloud::azure_storage_settings& s) const
        {
            auto service = s.endpoint.empty() ? "account " + s.account_name : normal_api_server(s.endpoint);
            return "azure " + service + " container " + s.container;
        }
    };
    auto prefix = [](const auto& s) -> std::string { return "prefix " + s.key_prefix; };
    return {std::visit(place{}, o.spec), std::visit(prefix, o.spec)};
}

}  // namespace

std::string normal_directory(std::string_view path)
{
    std::string out = std::filesystem::path(path).lexically_normal().string();
    while (out.size() > 1 && out.ends_with('/'))
        out.pop_back();
    return out;
}

std::string normal_api_server(std::string_view url)
{
    const auto sep = url.find("://");
    if (sep == std::string_view::npos)
        return std::string(url);
    const std::string scheme = lowercase(url.substr(0, sep));
    const auto rest = url.substr(sep + 3);
    const auto slash = rest.find('/');
    std::string host = lowercase(rest.substr(0, slash));
    std::string path(slash == std::string_view::npos ? "" : rest.substr(slash));
    drop_suffix(host, scheme == "https" ? ":443" : scheme == "http" ? ":80" : "");
    while (path.ends_with('/'))
        path.pop_back();
    return scheme + "://" + host + path;
}

store_location location_of(const store_settings& s)
{
    if (const auto* f = std::get_if<file_store_settings>(&s))
        return {f->path.empty() ? "" : "dir " + normal_directory(f->path), ""};
    if (const auto* o = std::get_if<object_store_settings>(&s))
        return object_location(*o);
    const auto& k = std::get<kubernetes_store_settings>(s);
    if (k.cluster)
        return cluster_location(*k.cluster, k.ns);
    return {k.api_server.empty() ? "" : "api " + normal_api_server(k.api_server), k.ns};
}

const store_settings* aliased_store(const store_settings& s, const std::vector<store_settings>& others)
{
    const auto here = location_of(s);
    if (here.place.empty())
        return nullptr;  // where it is was not given: that has its own problem
    for (const auto& o : others)
        if (location_of(o) == here)
            return &o;
    return nullptr;
}

std::string alias_key(const store_settings& s)
{
    if (std::holds_alternative<object_store_settings>(s))
        return "key_prefix";
    return std::holds_alternative<file_store_settings>(s) ? "path" : "namespace";
}

std::string alias_message(const store_settings& s, const store_settings& other, const std::string& other_job)
{
    std::string what = "the same directory";
    if (const auto* k = std::get_if<kubernetes_store_settings>(&s))
        what = k->ns.empty() ? "the same namespace (the cluster's default) of the same cluster"
                             : "the same namespace of the same cluster";
    if (std::holds_alternative<object_store_settings>(s))
        what = "the same bucket (or container) and key_prefix";
    return what + " as store \"" + store_name(other) + "\"" +
           (other_job.empty() ? "" : " of job \"" + other_job + "\"") +
           ": two stores would overwrite each other's objects";
}

}  // namespace vk::keeper
