#include "cloud/model/xml_reader.hpp"

#include <boost/property_tree/xml_parser.hpp>
#include <charconv>
#include <sstream>

namespace vk::cloud::xml {

namespace pt = boost::property_tree;

std::string node::text(std::string_view path) const
{
    auto v = at_->get_optional<std::string>(pt::ptree::path_type(std::string(path), '.'));
    return v ? *v : std::string();
}

std::optional<std::uint64_t> node::number(std::string_view path) const
{
    auto t = text(path);
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size())
        return std::nullopt;
    return n;
}

std::vector<node> node::children(std::string_view path) const
{
    std::vector<node> out;
    auto dot = path.rfind('.');
    const pt::ptree* parent = at_;
    if (dot != std::string_view::npos)
    {
        auto p = at_->get_child_optional(pt::ptree::path_type(std::string(path.substr(0, dot)), '.'));
        if (!p)
            return out;
        parent = &*p;
    }
    auto name = std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
    for (const auto& [k, v] : *parent)
        if (k == name)
            out.emplace_back(doc_, &v);
    return out;
}

result<node> parse(std::string_view text, std::string_view root)
{
    auto doc = std::make_shared<pt::ptree>();
    try
    {
        std::istringstream in{std::string(text)};
        pt::read_xml(in, *doc, pt::xml_parser::no_comments);
    }
    catch (const pt::ptree_error&)
    {
        return make_error(errc::bad_response, "not an XML document (expected <" + std::string(root) + ">)");
    }
    auto r = doc->get_child_optional(pt::ptree::path_type(std::string(root), '.'));
    if (!r)
        return make_error(errc::bad_response, "XML document without <" + std::string(root) + ">");
    const pt::ptree* at = &*r;
    return node(std::move(doc), at);
}

std::optional<std::string> error_code(std::string_view text)
{
    auto doc = parse(text, "Error");
    if (!doc)
        return std::nullopt;
    auto code = doc->text("Code");
    return code.empty() ? std::string("Error") : code;
}

std::string escape(std::string_view s)
{
    std::string out;
    for (char c : s)
    {
        switch (c)
        {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

}  // namespace vk::cloud::xml
