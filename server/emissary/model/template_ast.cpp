// What a parsed template says about itself: its error's text, each call site's reference (as the status
// and the waiting messages name it), and the dependencies, environment names and sources it reads.
#include "emissary/model/template.hpp"

namespace vk::emissary {

std::string parse_error::describe() const
{
    return file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message;
}

std::string call_site::reference() const
{
    switch (kind)
    {
    case call_kind::env: return "env " + env_name;
    case call_kind::ls: return std::string(safe ? "safeLs " : "ls ") + dep.source + " " + dep.path;
    case call_kind::tree: return std::string(safe ? "safeTree " : "tree ") + dep.source + " " + dep.path;
    case call_kind::secrets: return "secrets " + dep.source + " " + dep.path;
    case call_kind::pki_cert: {
        std::string r = "pkiCert " + dep.source + " " + dep.path;
        for (const auto& p : dep.params)
            r += " " + p;
        return r;
    }
    default: break;
    }
    std::string r = dep.source + " " + dep.path;
    if (!field.empty())
        r += " " + field;
    return r;
}

std::set<dependency> template_ast::dependencies() const
{
    std::set<dependency> out;
    for (const auto& c : calls)
        if (c.kind != call_kind::env)
            out.insert(c.dep);
    return out;
}

std::set<dependency> template_ast::value_dependencies() const
{
    std::set<dependency> out;
    for (const auto& d : dependencies())
        if (d.kind == dep_kind::value)
            out.insert(d);
    return out;
}

std::set<dependency> template_ast::list_dependencies() const
{
    std::set<dependency> out;
    for (const auto& d : dependencies())
        if (d.kind != dep_kind::value)
            out.insert(d);
    return out;
}

std::set<std::string> template_ast::env_names() const
{
    std::set<std::string> out;
    for (const auto& c : calls)
        if (c.kind == call_kind::env)
            out.insert(c.env_name);
    return out;
}

std::set<std::string> template_ast::sources() const
{
    std::set<std::string> out;
    for (const auto& d : dependencies())
        out.insert(d.source);
    return out;
}

}  // namespace vk::emissary
