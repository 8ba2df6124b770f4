// Decoding Vault's lease answers (lease_wire.hpp).
#include "emissary/model/lease_wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace vk::emissary {
namespace json = boost::json;
namespace {

result<json::object> object_of(std::string_view body)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return make_error(errc::bad_response, "the answer is not a JSON object");
    return std::move(v.as_object());
}

std::chrono::seconds duration_of(const json::object& o)
{
    const auto* d = o.if_contains("lease_duration");
    if (d && d->is_int64() && d->as_int64() > 0)
        return std::chrono::seconds(d->as_int64());
    if (d && d->is_uint64())
        return std::chrono::seconds(static_cast<std::int64_t>(d->as_uint64()));
    return std::chrono::seconds(0);
}

}  // namespace

result<fetched> decode_leased(std::string_view body)
{
    auto o = object_of(body);
    if (!o)
        return o.error();
    fetched f;
    f.present = true;
    const auto* data = o->if_contains("data");
    f.value = data && data->is_object() ? *data : json::value(json::object{});
    lease_info l;
    if (const auto* id = o->if_contains("lease_id"); id && id->is_string())
        l.id = std::string(id->as_string());
    l.duration = duration_of(*o);
    const auto* renewable = o->if_contains("renewable");
    l.renewable = renewable && renewable->is_bool() && renewable->as_bool();
    f.lease = std::move(l);
    return f;
}

result<std::chrono::seconds> decode_renewal(std::string_view body)
{
    auto o = object_of(body);
    if (!o)
        return o.error();
    if (!o->contains("lease_duration"))
        return make_error(errc::bad_response, "the renewal answer has no lease_duration");
    return duration_of(*o);
}

std::string renew_body(const std::string& lease_id, std::chrono::seconds increment)
{
    return json::serialize(json::object{{"lease_id", lease_id}, {"increment", increment.count()}});
}

std::string lease_id_body(const std::string& lease_id)
{
    return json::serialize(json::object{{"lease_id", lease_id}});
}

}  // namespace vk::emissary
