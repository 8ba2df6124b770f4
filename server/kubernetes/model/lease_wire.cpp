// The Lease as JSON: absent spec fields read as their zero values (the API server omits empty ones).
#include "kubernetes/model/lease_wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <cstdio>

namespace vk::kubernetes {
namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<long long> number_of(const json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    if (!v || v->is_null())
        return 0;
    if (v->is_int64())
        return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<long long>(v->get_uint64());
    return std::nullopt;
}

result<lease_read> decode_lease_object(const json::object& o)
{
    auto* meta = o.if_contains("metadata");
    if (!meta || !meta->is_object())
        return make_error(errc::bad_response, "a Lease has no metadata");
    lease_read out;
    out.resource_version = text_of(meta->get_object(), "resourceVersion");
    lease_spec s;
    if (auto* spec = o.if_contains("spec"); spec && spec->is_object())
    {
        const auto& so = spec->get_object();
        s.holder = text_of(so, "holderIdentity");
        s.acquire_time = text_of(so, "acquireTime");
        s.renew_time = text_of(so, "renewTime");
        auto duration = number_of(so, "leaseDurationSeconds");
        auto transitions = number_of(so, "leaseTransitions");
        if (!duration || !transitions)
            return make_error(errc::bad_response,
                              "a Lease's leaseDurationSeconds or leaseTransitions is not an integer");
        s.duration_seconds = *duration;
        s.transitions = *transitions;
    }
    out.spec = std::move(s);
    return out;
}

}  // namespace

result<lease_read> decode_lease(std::string_view body)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return make_error(errc::bad_response, "a Lease is not a JSON object");
    return decode_lease_object(v.get_object());
}

result<std::vector<named_lease>> decode_lease_list(std::string_view body)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    const json::value* items = ec || !v.is_object() ? nullptr : v.get_object().if_contains("items");
    if (!items || !(items->is_array() || items->is_null()))
        return make_error(errc::bad_response, "a LeaseList is not a JSON object with an items array");
    std::vector<named_lease> out;
    if (items->is_null())
        return out;
    for (const auto& item : items->get_array())
    {
        if (!item.is_object())
            return make_error(errc::bad_response, "a LeaseList item is not an object");
        auto lease = decode_lease_object(item.get_object());
        if (!lease)
            return lease.error();
        const auto* meta = item.get_object().if_contains("metadata");
        out.push_back({text_of(meta->get_object(), "name"), std::move(*lease)});
    }
    return out;
}

std::string encode_lease(const std::string& name, const std::string& ns, const election_step& step)
{
    json::object meta{{"name", name}, {"namespace", ns}};
    if (!step.resource_version.empty())
        meta["resourceVersion"] = step.resource_version;
    const auto& s = step.spec;
    json::object spec{{"holderIdentity", s.holder},
                      {"leaseDurationSeconds", s.duration_seconds},
                      {"acquireTime", s.acquire_time},
                      {"renewTime", s.renew_time},
                      {"leaseTransitions", s.transitions}};
    return json::serialize(json::object{{"apiVersion", "coordination.k8s.io/v1"},
                                        {"kind", "Lease"},
                                        {"metadata", std::move(meta)},
                                        {"spec", std::move(spec)}});
}

std::string lease_name(const std::string& prefix, const std::string& job)
{
    std::string name = prefix + job, plain;
    bool valid = name.size() <= 253;
    for (char c : name)
    {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        valid = valid && ok;
        plain += ok ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '-';
    }
    if (valid)
        return name;
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (unsigned char c : job)
        h = (h ^ c) * 16777619u;
    char tail[10];
    std::snprintf(tail, sizeof tail, "-%08x", h);
    return plain.substr(0, 253 - 9) + tail;
}

std::string leases_path(const std::string& ns)
{
    return "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases";
}

std::string lease_path(const std::string& ns, const std::string& name)
{
    return leases_path(ns) + "/" + name;
}

}  // namespace vk::kubernetes
