// Lease endpoints of the system backend (see sys_leases.hpp).
#include "sys_leases.hpp"

#include "lease_store.hpp"

namespace vsim {

namespace {

bool is_write(const call& c)
{
    return c.op == "create" || c.op == "update";
}

// The lease id from the body (or query), else from the URL tail (url_lease_id), as handleRenew does.
std::string lease_id_of(const call& c, std::string_view tail)
{
    json::value v = field(c.req, "lease_id");
    if (v.is_string() && !v.get_string().empty())
        return std::string(v.get_string());
    return std::string(tail);
}

response renew(call& c, std::string_view tail)
{
    const std::string id = lease_id_of(c, tail);
    if (id.empty())
        return error(400, {"lease_id must be specified"});
    auto inc = parse_seconds(field(c.req, "increment"));
    if (!inc)
        return error(400, {"invalid increment"});
    auto r = leases::renew(c.st, id, *inc, c.now_ns);
    if (auto* err = std::get_if<std::string>(&r))
        return error(400, {*err});
    const auto& granted = std::get<leases::renewal>(r);
    json::object o = envelope(nullptr, "system");
    o["lease_id"] = id;
    o["renewable"] = true;
    o["lease_duration"] = granted.ttl;
    if (!granted.warnings.empty())
        o["warnings"] = to_array(granted.warnings);
    return response{200, json::value(std::move(o)), {}};
}

response revoke(call& c, std::string_view tail)
{
    const std::string id = lease_id_of(c, tail);
    if (id.empty())
        return error(400, {"lease_id must be specified"});
    leases::revoke(c.st, id);
    return no_content();
}

response lookup(call& c)
{
    const std::string id = lease_id_of(c, "");
    if (id.empty())
        return error(400, {"lease_id must be specified"});
    auto l = leases::find_live(c.st, id, c.now_ns);
    if (!l)
        return error(400, {"invalid lease"});
    return ok(leases::lookup_json(*l, c.now_ns), "system");
}

std::optional<std::string_view> after(std::string_view sub, std::string_view head)
{
    if (sub == head)
        return std::string_view{};
    if (sub.starts_with(head) && sub.size() > head.size() && sub[head.size()] == '/')
        return sub.substr(head.size() + 1);
    return std::nullopt;
}

}  // namespace

std::optional<response> sys_leases(call& c, std::string_view sub)
{
    if (sub.starts_with("leases/"))
        sub.remove_prefix(7);
    else if (!sub.starts_with("renew") && !sub.starts_with("revoke"))
        return std::nullopt;
    if (sub.starts_with("lookup/") && c.op == "list")
        return list_response(leases::list(c.st, std::string(sub.substr(7)), c.now_ns), "system");
    if (auto t = after(sub, "lookup"); t && t->empty())
        return is_write(c) ? lookup(c) : error(405, {"unsupported operation"});
    for (std::string_view head : {"revoke-prefix", "revoke-force"})
        if (auto t = after(sub, head))
        {
            // The prefix is required (Vault's pattern is "revoke-prefix/(?P<prefix>.+)").
            if (t->empty())
                return std::nullopt;
            if (!is_write(c))
                return error(405, {"unsupported operation"});
            leases::revoke_prefix(c.st, std::string(*t));
            return no_content();
        }
    if (auto t = after(sub, "renew"))
        return is_write(c) ? renew(c, *t) : error(405, {"unsupported operation"});
    if (auto t = after(sub, "revoke"))
        return is_write(c) ? revoke(c, *t) : error(405, {"unsupported operation"});
    return std::nullopt;
}

}  // namespace vsim
