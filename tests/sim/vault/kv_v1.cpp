// KV v1: flat JSON values replaced whole on write, read with the mount's lease (or the value's ttl key).
#include "kv_v1.hpp"

namespace vsim::kv1 {

namespace {

constexpr std::int64_t default_lease = 2764800;  // 768h: the system default TTL that KV v1 reports

std::string key_of(const std::string& prefix, std::string_view rel)
{
    return prefix + std::string(rel);
}

response read(call& c, const std::string& prefix)
{
    const std::string* raw = c.st.find(key_of(prefix, c.rel));
    if (!raw)
        return not_found();
    boost::system::error_code ec;
    json::value data = json::parse(*raw, ec);
    if (ec)
        return error(500, {"corrupt entry"});
    json::object o = envelope(data, c.mount.mount_type());
    // Cubbyhole values never carry a lease; KV v1 reports the mount TTL or the value's own ttl/lease.
    if (c.mount.type != "cubbyhole")
    {
        std::int64_t lease = default_lease;
        for (std::string_view k : {"ttl", "lease"})
            if (auto* t = data.get_object().if_contains(k))
                if (auto s = parse_seconds(*t))
                    lease = *s;
        o["lease_duration"] = lease;
    }
    return response{200, json::value(std::move(o)), {}};
}

response write(call& c, const std::string& prefix)
{
    auto& body = body_of(c.req);
    if (body.empty())
        return error(400, {"missing data fields"});
    if (auto* t = body.if_contains("ttl"); t && !parse_seconds(*t))
        return error(400, {"failed to parse ttl"});
    c.st.put(key_of(prefix, c.rel), json::serialize(body));
    return no_content();
}

}  // namespace

bool exists(const storage& st, const std::string& prefix, std::string_view rel)
{
    return st.find(key_of(prefix, rel)) != nullptr;
}

response handle(call& c, const std::string& prefix)
{
    if (c.op == "list")
        return list_response(c.st.list(key_of(prefix, c.rel)), c.mount.mount_type());
    if (c.rel.empty())
        return error(405, {"unsupported operation"});
    if (c.op == "read")
        return read(c, prefix);
    if (c.op == "create" || c.op == "update")
        return write(c, prefix);
    if (c.op == "delete")
    {
        c.st.del(key_of(prefix, c.rel));
        return no_content();
    }
    return error(405, {"unsupported operation"});
}

}  // namespace vsim::kv1
