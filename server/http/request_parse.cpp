// Beast message -> vk::http::request.
#include "http/request_parse.hpp"

#include <boost/url/parse.hpp>

namespace vk::http::detail {

std::optional<request> to_request(boost::beast::http::request<boost::beast::http::string_body>&& m,
                                  std::string remote)
{
    auto u = boost::urls::parse_origin_form(m.target());
    if (!u)
        return std::nullopt;
    request r;
    r.method = std::string(m.method_string());
    r.target = std::string(m.target());
    r.path = u->path();
    for (auto p : u->params())
        r.query.emplace_back(p.key, p.value);
    for (const auto& f : m)
        r.headers.add(f.name_string(), f.value());
    r.body = std::move(m.body());
    r.remote_address = std::move(remote);
    return r;
}

}  // namespace vk::http::detail
