// Decoders of operator replies: rekey init/update/verify status and the raft configuration.
#include "vault/model/decode.hpp"
#include "vault/model/json_reader.hpp"

namespace vk::vault {

namespace json = boost::json;
using detail::json_reader;
using detail::malformed;

namespace {

rekey_status read_rekey_status(json_reader& r)
{
    rekey_status s;
    s.nonce = r.str("nonce");
    s.started = r.boolean("started");
    s.t = static_cast<unsigned>(r.u64("t"));
    s.n = static_cast<unsigned>(r.u64("n"));
    s.progress = static_cast<unsigned>(r.u64("progress"));
    s.required = static_cast<unsigned>(r.u64("required"));
    s.verification_required = r.boolean("verification_required");
    s.verification_nonce = r.str("verification_nonce");
    s.pgp_fingerprints = r.strings("pgp_fingerprints");
    s.backup = r.boolean("backup");
    return s;
}

}  // namespace

result<rekey_status> decode_rekey_status(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader r(&*o);
    auto s = read_rekey_status(r);
    if (r.ok() && !o->contains("started"))
        r.fail("no started field");
    if (!r.ok())
        return malformed(r.problem());
    return s;
}

result<rekey_update_result> decode_rekey_update(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader r(&*o);
    rekey_update_result u;
    u.complete = r.boolean("complete");
    if (u.complete)
    {
        u.keys = r.secrets("keys", "vault rekey");
        u.keys_base64 = r.secrets("keys_base64", "vault rekey");
        u.verification_required = r.boolean("verification_required");
        u.verification_nonce = r.str("verification_nonce");
        if (r.ok() && u.keys.empty() && u.keys_base64.empty())
            r.fail("complete without keys");
    }
    else
        u.status = read_rekey_status(r);
    if (!r.ok())
        return malformed(r.problem());
    return u;
}

result<rekey_verify_status> decode_rekey_verify(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader r(&*o);
    rekey_verify_status v;
    v.nonce = r.str("nonce");
    v.started = r.boolean("started");
    v.complete = r.boolean("complete");
    v.t = static_cast<unsigned>(r.u64("t"));
    v.n = static_cast<unsigned>(r.u64("n"));
    v.progress = static_cast<unsigned>(r.u64("progress"));
    if (r.ok() && v.nonce.empty())
        r.fail("no nonce");
    if (!r.ok())
        return malformed(r.problem());
    return v;
}

result<raft_configuration> decode_raft_configuration(std::string_view body)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader top(&*d);
    json_reader r(top.obj("config"));
    raft_configuration c;
    c.index = r.u64("index");
    if (auto* servers = r.arr("servers"))
        for (const auto& s : *servers)
        {
            if (!s.is_object())
                return malformed("raft server is not an object");
            json_reader sr(&s.as_object());
            raft_server srv{sr.str("node_id"), sr.str("address"), sr.boolean("leader"), sr.boolean("voter"),
                            sr.str("protocol_version")};
            if (!sr.ok())
                return malformed(sr.problem());
            c.servers.push_back(std::move(srv));
        }
    if (!top.ok() || !r.ok())
        return malformed(top.ok() ? r.problem() : top.problem());
    if (!d->contains("config"))
        return malformed("no data.config");
    return c;
}

result<std::vector<ha_node>> decode_ha_status(std::string_view body)
{
    auto top = detail::parse_object(body);
    if (!top)
        return top.error();
    const json::value* nodes = nullptr;
    const auto* data = top->if_contains("data");
    const json::object* data_object = data && data->is_object() ? &data->as_object() : nullptr;
    for (const json::object* o : {data_object, static_cast<const json::object*>(&*top)})
        for (auto key : {"nodes", "Nodes"})
            if (!nodes && o)
                nodes = o->if_contains(key);
    if (!nodes || !nodes->is_array())
        return malformed("no nodes array");
    std::vector<ha_node> out;
    for (const auto& n : nodes->as_array())
    {
        if (!n.is_object())
            return malformed("ha-status node is not an object");
        json_reader r(&n.as_object());
        ha_node h{r.str("hostname"), r.str("api_address"), r.str("cluster_address"),
                  r.boolean("active_node")};
        if (!r.ok())
            return malformed(r.problem());
        out.push_back(std::move(h));
    }
    return out;
}

result<bool> decode_raft_join(std::string_view body)
{
    auto top = detail::parse_object(body);
    if (!top)
        return top.error();
    json_reader r(&*top);
    bool joined = r.boolean("joined");
    if (!r.ok())
        return malformed(r.problem());
    if (!top->contains("joined"))
        return malformed("no joined");
    return joined;
}

}  // namespace vk::vault
