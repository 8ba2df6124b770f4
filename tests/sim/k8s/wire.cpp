// k8s-sim's JSON encoding and decoding (see wire.hpp).
#include "wire.hpp"

#include "common/http.hpp"
#include "common/util.hpp"

#include <boost/json/array.hpp>

namespace ksim {

namespace json = boost::json;

namespace {

const std::string cannot_handle = "Secret in version \"v1\" cannot be handled as a Secret: ";

// A map of strings at obj[key] (labels, annotations, stringData); false when it is not one.
bool read_string_map(const json::object& obj, std::string_view key, std::map<std::string, std::string>& out)
{
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null())
        return true;
    if (!v->is_object())
        return false;
    for (const auto& [k, val] : v->as_object())
    {
        if (!val.is_string())
            return false;
        out[std::string(k)] = std::string(val.as_string());
    }
    return true;
}

// The data map: every value a base64 string.
std::optional<status> read_data(const json::object& obj, std::map<std::string, std::string>& data)
{
    const auto* v = obj.if_contains("data");
    if (!v || v->is_null())
        return std::nullopt;
    if (!v->is_object())
        return bad_request(cannot_handle + "json: cannot unmarshal into Go struct field Secret.data");
    for (const auto& [k, val] : v->as_object())
    {
        if (!val.is_string())
            return bad_request(cannot_handle +
                               "json: cannot unmarshal into Go struct field Secret.data of type "
                               "[]uint8");
        if (auto err = base64_error(val.as_string()))
            return bad_request(cannot_handle + *err);
        data[std::string(k)] = *simc::base64_decode(val.as_string());
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> base64_error(std::string_view text)
{
    if (simc::base64_decode(text))
        return std::nullopt;
    auto valid = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; };
    std::size_t i = 0;
    while (i < text.size() && valid(text[i]))
        ++i;
    // A wrong character is reported where it is; a short final quantum where that quantum starts.
    if (i == text.size() || (text[i] == '=' && i % 4 >= 2))
        i = i / 4 * 4;
    return "illegal base64 data at input byte " + std::to_string(i);
}

outcome<decoded_object> decode_object(std::string_view body, const std::string& ns,
                                      const std::string& cannot_handle_prefix)
{
    auto doc = simc::parse_json(body);
    if (!doc || !doc->is_object())
        return bad_request("couldn't get version/kind; json parse error: unexpected end of JSON input");
    decoded_object d;
    d.body = std::move(doc->as_object());
    const json::object empty;
    const auto* meta_v = d.body.if_contains("metadata");
    const auto& meta = meta_v && meta_v->is_object() ? meta_v->as_object() : empty;
    if (auto body_ns = string_field(meta, "namespace"); body_ns && !body_ns->empty() && *body_ns != ns)
        return bad_request(
            "the namespace of the provided object does not match the namespace sent on the request");
    d.name = string_field(meta, "name").value_or("");
    d.generate_name = string_field(meta, "generateName").value_or("");
    d.resource_version = string_field(meta, "resourceVersion");
    if (d.resource_version && d.resource_version->empty())
        d.resource_version.reset();
    if (!read_string_map(meta, "labels", d.labels) || !read_string_map(meta, "annotations", d.annotations))
        return bad_request(cannot_handle_prefix +
                           "json: cannot unmarshal into Go struct field ObjectMeta.metadata");
    return d;
}

outcome<decoded_secret> decode_secret(std::string_view body, const std::string& ns)
{
    auto decoded = decode_object(body, ns, cannot_handle);
    if (auto* st = std::get_if<status>(&decoded))
        return *st;
    auto& o = std::get<decoded_object>(decoded);
    auto d = take_meta<secret>(o, ns);
    if (auto t = string_field(o.body, "type"); t && !t->empty())
        d.object.type = *t;
    if (auto bad = read_data(o.body, d.object.data))
        return *bad;
    // stringData is write-only: merged over data, never returned.
    if (!read_string_map(o.body, "stringData", d.object.data))
        return bad_request(cannot_handle + "json: cannot unmarshal into Go struct field Secret.stringData");
    return d;
}

outcome<std::optional<std::string>> decode_delete_preconditions(std::string_view body)
{
    if (body.empty())
        return std::optional<std::string>{};
    auto doc = simc::parse_json(body);
    if (!doc || !doc->is_object())
        return bad_request("couldn't get version/kind; json parse error: unexpected end of JSON input");
    const auto* pre = doc->as_object().if_contains("preconditions");
    if (!pre || !pre->is_object())
        return std::optional<std::string>{};
    return string_field(pre->as_object(), "resourceVersion");
}

json::object secret_json(const secret& s, bool with_kind)
{
    auto meta = meta_json(s);
    json::object o;
    if (with_kind)
    {
        o["kind"] = "Secret";
        o["apiVersion"] = "v1";
    }
    o["metadata"] = std::move(meta);
    if (!s.data.empty())
    {
        json::object data;
        for (const auto& [k, v] : s.data)
            data[k] = simc::base64_encode(v);
        o["data"] = std::move(data);
    }
    o["type"] = s.type;
    return o;
}

json::object secret_list_json(const std::vector<secret>& items, std::uint64_t revision)
{
    return list_of(items, revision, "SecretList", "v1");
}

json::object status_json(const status& st)
{
    json::object o{{"kind", "Status"},    {"apiVersion", "v1"},    {"metadata", json::object{}},
                   {"status", "Failure"}, {"message", st.message}, {"reason", st.reason}};
    if (!st.name.empty())
    {
        json::object details{{"name", st.name}};
        if (!st.group.empty())
            details["group"] = st.group;
        details["kind"] = st.kind;
        o["details"] = std::move(details);
    }
    else if (st.code == 404)
        o["details"] = json::object{};
    o["code"] = st.code;
    return o;
}

json::object deleted_json(const std::string& name, const std::string& uid, const resource_kind& r)
{
    json::object details{{"name", name}};
    if (!r.group.empty())
        details["group"] = r.group;
    details["kind"] = r.plural;
    details["uid"] = uid;
    return {{"kind", "Status"},
            {"apiVersion", "v1"},
            {"metadata", json::object{}},
            {"status", "Success"},
            {"details", std::move(details)}};
}

json::object string_map(const std::map<std::string, std::string>& m)
{
    json::object o;
    for (const auto& [k, v] : m)
        o[k] = v;
    return o;
}

std::optional<std::string> string_field(const json::object& obj, std::string_view key)
{
    const auto* v = obj.if_contains(key);
    if (v && v->is_string())
        return std::string(v->as_string());
    return std::nullopt;
}

}  // namespace ksim
