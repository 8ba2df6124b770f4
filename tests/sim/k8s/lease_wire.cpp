// k8s-sim's Lease JSON (see lease_wire.hpp). Go's encoding/json wording for type mismatches.
#include "lease_wire.hpp"

#include "micro_time.hpp"

#include <boost/json/array.hpp>
#include <cstdint>
#include <limits>

namespace ksim {

namespace json = boost::json;

namespace {

const std::string cannot_handle_lease = "Lease in version \"v1\" cannot be handled as a Lease: ";

std::string json_type(const json::value& v)
{
    if (v.is_string())
        return "string";
    if (v.is_bool())
        return "bool";
    if (v.is_array())
        return "array";
    if (v.is_object())
        return "object";
    return "number";
}

status mistyped(std::string_view field, const json::value& v, std::string_view go_type)
{
    return bad_request(cannot_handle_lease + "json: cannot unmarshal " + json_type(v) +
                       " into Go struct field LeaseSpec.spec." + std::string(field) + " of type " +
                       std::string(go_type));
}

// spec[field] as a string (null/absent = unset).
std::optional<status> read_string(const json::object& spec, std::string_view field,
                                  std::optional<std::string>& out)
{
    const auto* v = spec.if_contains(field);
    if (!v || v->is_null())
        return std::nullopt;
    if (!v->is_string())
        return mistyped(field, *v, "string");
    out = std::string(v->as_string());
    return std::nullopt;
}

// spec[field] as an int32, as Go decodes a *int32.
std::optional<status> read_int32(const json::object& spec, std::string_view field,
                                 std::optional<std::int64_t>& out)
{
    const auto* v = spec.if_contains(field);
    if (!v || v->is_null())
        return std::nullopt;
    constexpr auto lo = std::numeric_limits<std::int32_t>::min(),
                   hi = std::numeric_limits<std::int32_t>::max();
    if (v->is_int64() && v->as_int64() >= lo && v->as_int64() <= hi)
        out = v->as_int64();
    else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(hi))
        out = static_cast<std::int64_t>(v->as_uint64());
    else
        return mistyped(field, *v, "int32");
    return std::nullopt;
}

// spec[field] as a MicroTime, kept in its canonical form.
std::optional<status> read_micro_time(const json::object& spec, std::string_view field,
                                      std::optional<std::string>& out)
{
    if (auto bad = read_string(spec, field, out); bad || !out)
        return bad;
    std::string error;
    out = normalize_micro_time(*out, error);
    if (!out)
        return bad_request(cannot_handle_lease + error);
    return std::nullopt;
}

std::optional<status> read_spec(const json::object& spec, lease_spec& out)
{
    std::optional<status> bad;
    (bad = read_string(spec, "holderIdentity", out.holder_identity)) ||
        (bad = read_int32(spec, "leaseDurationSeconds", out.lease_duration_seconds)) ||
        (bad = read_micro_time(spec, "acquireTime", out.acquire_time)) ||
        (bad = read_micro_time(spec, "renewTime", out.renew_time)) ||
        (bad = read_int32(spec, "leaseTransitions", out.lease_transitions)) ||
        (bad = read_string(spec, "strategy", out.strategy)) ||
        (bad = read_string(spec, "preferredHolder", out.preferred_holder));
    return bad;
}

json::object spec_json(const lease_spec& spec)
{
    json::object o;
    auto put = [&o](const char* key, const auto& field) {
        if (field)
            o[key] = *field;
    };
    put("holderIdentity", spec.holder_identity);
    put("leaseDurationSeconds", spec.lease_duration_seconds);
    put("acquireTime", spec.acquire_time);
    put("renewTime", spec.renew_time);
    put("leaseTransitions", spec.lease_transitions);
    put("strategy", spec.strategy);
    put("preferredHolder", spec.preferred_holder);
    return o;
}

}  // namespace

outcome<decoded_lease> decode_lease(std::string_view body, const std::string& ns)
{
    auto decoded = decode_object(body, ns, cannot_handle_lease);
    if (auto* st = std::get_if<status>(&decoded))
        return *st;
    auto& o = std::get<decoded_object>(decoded);
    auto d = take_meta<lease>(o, ns);
    const auto* spec = o.body.if_contains("spec");
    if (!spec || spec->is_null())
        return d;
    if (!spec->is_object())
        return bad_request(cannot_handle_lease + "json: cannot unmarshal " + json_type(*spec) +
                           " into Go struct field Lease.spec of type v1.LeaseSpec");
    if (auto bad = read_spec(spec->as_object(), d.object.spec))
        return *bad;
    return d;
}

json::object lease_json(const lease& l, bool with_kind)
{
    json::object o;
    if (with_kind)
    {
        o["kind"] = "Lease";
        o["apiVersion"] = "coordination.k8s.io/v1";
    }
    o["metadata"] = meta_json(l);
    o["spec"] = spec_json(l.spec);
    return o;
}

json::object lease_list_json(const std::vector<lease>& items, std::uint64_t revision)
{
    return list_of(items, revision, "LeaseList", "coordination.k8s.io/v1");
}

}  // namespace ksim
