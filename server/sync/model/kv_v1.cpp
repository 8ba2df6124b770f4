// Canonical JSON and content-hash insights for KV v1 secrets (see kv_v1.hpp for the design choice).
#include "sync/model/kv_v1.hpp"

#include "sync/model/digest.hpp"
#include "sync/model/go_format.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <vector>

namespace vk::sync {

void append_canonical_json(std::string& out, const boost::json::value& v)
{
    switch (v.kind())
    {
    case boost::json::kind::object: {
        const auto& o = v.get_object();
        std::vector<const boost::json::key_value_pair*> members;
        members.reserve(o.size());
        for (const auto& kv : o)
            members.push_back(&kv);
        std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
        out += '{';
        for (std::size_t i = 0; i < members.size(); ++i)
        {
            if (i)
                out += ',';
            append_go_json_string(out, members[i]->key());
            out += ':';
            append_canonical_json(out, members[i]->value());
        }
        out += '}';
        return;
    }
    case boost::json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& e : v.get_array())
        {
            if (!first)
                out += ',';
            first = false;
            append_canonical_json(out, e);
        }
        out += ']';
        return;
    }
    case boost::json::kind::string: append_go_json_string(out, v.get_string()); return;
    default: out += boost::json::serialize(v); return;  // numbers, bool, null
    }
}

std::string canonical_json(const boost::json::value& v)
{
    std::string out;
    append_canonical_json(out, v);
    return out;
}

insight kv_v1_insight(const boost::json::value& data, const vk::secret& key)
{
    return {0, "hmac-sha256:" + to_hex(hmac_sha256(key.reveal(), canonical_json(data))),
            std::string(type_kv_v1)};
}

result<void> require_insight_key(const std::vector<kv_mount>& mounts, bool have_key)
{
    if (have_key)
        return {};
    for (const auto& m : mounts)
        if (!m.v2)
            return make_error(
                errc::invalid_argument,
                "mount " + m.path +
                    " is KV v1: set kv_v1_insight_key on this job (the same secret on the origin and "
                    "every destination)",
                "", m.path);
    return {};
}

}  // namespace vk::sync
