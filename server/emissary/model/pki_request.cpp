// The pkiCert request and answer (see pki_request.hpp).
#include "emissary/model/pki_request.hpp"

#include <boost/json/parse.hpp>

namespace vk::emissary {
namespace json = boost::json;
namespace {

bool pipeline_uses(const pipeline& p, std::string_view name);

bool operand_uses(const operand& o, std::string_view name)
{
    for (const auto& f : o.fields)
        if (f == name)
            return true;
    for (const auto& p : o.inner)
        if (pipeline_uses(p, name))
            return true;
    return false;
}

bool pipeline_uses(const pipeline& p, std::string_view name)
{
    for (const auto& c : p.commands)
        for (const auto& a : c.args)
            if (operand_uses(a, name))
                return true;
    return false;
}

bool nodes_use(const std::vector<node>& nodes, std::string_view name)
{
    for (const auto& n : nodes)
        if (pipeline_uses(n.pipe, name) || nodes_use(n.body, name) || nodes_use(n.else_body, name))
            return true;
    return false;
}

std::string without_trailing_newlines(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

}  // namespace

json::object issue_body(const dependency& d)
{
    json::object body;
    for (const auto& p : d.params)
    {
        const auto eq = p.find('=');
        body[p.substr(0, eq)] = p.substr(eq + 1);
    }
    return body;
}

std::string common_name_of(const dependency& d)
{
    for (const auto& p : d.params)
        if (p.starts_with("common_name="))
            return p.substr(12);
    return "";
}

bool uses_field(const template_ast& ast, std::string_view name)
{
    return nodes_use(ast.nodes, name);
}

result<cert_bundle> bundle_from_issue(std::string_view body)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    const json::object* data = nullptr;
    if (!ec && v.is_object())
        if (const auto* d = v.as_object().if_contains("data"); d && d->is_object())
            data = &d->as_object();
    if (!data)
        return make_error(errc::bad_response, "the issue answer has no data object");
    auto text = [&](std::string_view key) -> std::string {
        const auto* s = data->if_contains(key);
        return s && s->is_string() ? without_trailing_newlines(std::string(s->as_string())) : "";
    };
    cert_bundle b{text("certificate"), text("private_key"), text("issuing_ca"), {}};
    if (b.cert.empty() || b.key.empty())
        return make_error(errc::bad_response, "the issue answer has no certificate or no private_key");
    auto validity = certificate_validity(b.cert);
    if (!validity)
        return validity.error();
    b.validity = *validity;
    return b;
}

json::value cert_value(const cert_bundle& b)
{
    return json::object{{"Cert", b.cert}, {"Key", b.key}, {"CA", b.ca}};
}

}  // namespace vk::emissary
