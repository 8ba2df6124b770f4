// The lease state file's format and sealing (lease_store.hpp).
#include "emissary/model/lease_store.hpp"

#include "core/base64.hpp"
#include "core/sealed_blob.hpp"
#include "emissary/model/renewal.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace vk::emissary {
namespace json = boost::json;
namespace {

constexpr std::int64_t format_version = 1;

json::object entry_json(const stored_lease& l, bool with_data)
{
    json::object o{{"source", l.source},
                   {"path", l.path},
                   {"lease_id", l.lease_id},
                   {"issued", l.issued},
                   {"duration", l.duration.count()},
                   {"increment", l.increment.count()},
                   {"renewable", l.renewable}};
    if (with_data && l.data)
        o["data"] = *l.data;
    return o;
}

std::optional<stored_lease> entry_of(const json::value& v)
{
    const auto* o = v.if_object();
    if (!o)
        return std::nullopt;
    auto str = [&](std::string_view k) -> std::optional<std::string> {
        const auto* x = o->if_contains(k);
        return x && x->is_string() ? std::optional<std::string>(std::string(x->as_string())) : std::nullopt;
    };
    auto num = [&](std::string_view k) -> std::optional<std::int64_t> {
        const auto* x = o->if_contains(k);
        return x && x->is_int64() ? std::optional<std::int64_t>(x->as_int64()) : std::nullopt;
    };
    auto source = str("source"), path = str("path"), id = str("lease_id");
    auto issued = num("issued"), duration = num("duration"), increment = num("increment");
    const auto* renewable = o->if_contains("renewable");
    if (!source || !path || !id || !issued || !duration || !increment || !renewable || !renewable->is_bool())
        return std::nullopt;
    stored_lease l{*source,
                   *path,
                   *id,
                   *issued,
                   std::chrono::seconds(*duration),
                   std::chrono::seconds(*increment),
                   renewable->as_bool(),
                   std::nullopt};
    if (const auto* d = o->if_contains("data"))
        l.data = *d;
    return l;
}

std::optional<std::vector<stored_lease>> entries_of(const json::value* v)
{
    if (!v || !v->is_array())
        return std::nullopt;
    std::vector<stored_lease> out;
    for (const auto& e : v->as_array())
    {
        auto l = entry_of(e);
        if (!l)
            return std::nullopt;
        out.push_back(std::move(*l));
    }
    return out;
}

decoded_state failed(std::string why, std::vector<std::string> ids = {})
{
    return {std::nullopt, lease_state_error{make_error(errc::bad_response, std::move(why)), std::move(ids)}};
}

}  // namespace

std::optional<std::string> decode_state_key(std::string_view configured)
{
    auto raw = decode_kek(secret(std::string(configured)));
    if (!raw)
        return std::nullopt;
    return raw->reveal();
}

result<std::string> encode_lease_state(std::string_view job, const std::vector<stored_lease>& leases,
                                       const std::optional<secret>& raw_key)
{
    json::array plain, full;
    for (const auto& l : leases)
    {
        plain.push_back(entry_json(l, false));
        if (raw_key)
            full.push_back(entry_json(l, true));
    }
    json::object doc{{"version", format_version}, {"job", job}, {"leases", std::move(plain)}};
    if (raw_key)
    {
        auto sealed = seal_blob(*raw_key, job, json::serialize(full));
        if (!sealed)
            return sealed.error();
        doc["sealed"] = base64_encode(*sealed);
    }
    return json::serialize(doc);
}

decoded_state decode_lease_state(std::string_view job, std::string_view text,
                                 const std::optional<secret>& raw_key)
{
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object())
        return failed("not a lease state file (not a JSON object)");
    const auto& o = v.as_object();
    auto plain = entries_of(o.if_contains("leases"));
    std::vector<std::string> ids;
    for (const auto& l : plain.value_or(std::vector<stored_lease>{}))
        ids.push_back(l.lease_id);
    const auto* version = o.if_contains("version");
    if (!version || !version->is_int64() || version->as_int64() != format_version)
        return failed("an unknown format version", ids);
    const auto* owner = o.if_contains("job");
    if (!owner || !owner->is_string() || owner->as_string() != job)
        return failed("written for another job", {});
    if (!plain)
        return failed("its lease list is malformed");
    if (!raw_key)
        return {lease_state{std::move(*plain)}, std::nullopt};
    const auto* sealed = o.if_contains("sealed");
    if (!sealed || !sealed->is_string())
        return failed("no sealed answers (written without a state_key)", ids);
    auto bytes = base64_decode(sealed->as_string());
    if (!bytes)
        return failed("its sealed answers are not base64", ids);
    auto opened = open_blob(*raw_key, job, *bytes);
    if (!opened)
        return failed("its sealed answers do not open (changed, or another state_key)", ids);
    auto inner = json::parse(*opened, ec);
    auto full = ec ? std::nullopt : entries_of(&inner);
    if (!full)
        return failed("its sealed answers are malformed", ids);
    return {lease_state{std::move(*full)}, std::nullopt};
}

bool reusable(const stored_lease& l, std::int64_t now)
{
    if (!l.data || l.lease_id.empty())
        return false;
    return now < l.issued + renewal_delay(l.duration, 0.0).count();
}

}  // namespace vk::emissary
