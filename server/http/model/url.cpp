// Endpoint and URL parsing on top of Boost.URL.
#include "http/model/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace vk::http {
namespace {

result<std::uint16_t> parse_port(std::string_view s)
{
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v > 65535)
        return make_error(errc::invalid_argument, "invalid port '" + std::string(s) + "'");
    return static_cast<std::uint16_t>(v);
}

std::string target_of(const boost::urls::url_view& u)
{
    std::string t(u.encoded_path());
    if (t.empty())
        t = "/";
    if (u.has_query())
        t += "?" + std::string(u.encoded_query());
    return t;
}

}  // namespace

std::string endpoint::str() const
{
    bool v6 = host.find(':') != std::string::npos;
    return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string host_header(const endpoint& e)
{
    bool v6 = e.host.find(':') != std::string::npos;
    std::string h = v6 ? "[" + e.host + "]" : e.host;
    bool default_port = (e.tls() && e.port == 443) || (!e.tls() && e.port == 80);
    return default_port ? h : h + ":" + std::to_string(e.port);
}

result<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view s)
{
    auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return make_error(errc::invalid_argument, "expected host:port, got '" + std::string(s) + "'");
    std::string_view host = s.substr(0, colon);
    if (host.front() == '[')
    {
        if (host.size() < 3 || host.back() != ']')
            return make_error(errc::invalid_argument, "bad IPv6 literal in '" + std::string(s) + "'");
        host = host.substr(1, host.size() - 2);
    }
    auto port = parse_port(s.substr(colon + 1));
    if (!port)
        return port.error();
    return std::pair{std::string(host), *port};
}

result<url_parts> parse_url(std::string_view s)
{
    auto u = boost::urls::parse_absolute_uri(s);
    if (!u)
        return make_error(errc::invalid_argument, "invalid URL '" + std::string(s) + "'");
    url_parts out;
    out.where.scheme = std::string(u->scheme());
    if (out.where.scheme != "http" && out.where.scheme != "https")
        return make_error(errc::invalid_argument, "unsupported URL scheme '" + out.where.scheme + "'");
    out.where.host = std::string(u->encoded_host_address());
    if (out.where.host.size() > 2 && out.where.host.front() == '[')
        out.where.host = out.where.host.substr(1, out.where.host.size() - 2);
    if (out.where.host.empty())
        return make_error(errc::invalid_argument, "URL without host '" + std::string(s) + "'");
    if (u->has_port())
    {
        auto port = parse_port(u->port());
        if (!port)
            return port.error();
        out.where.port = *port;
    }
    else
        out.where.port = out.where.tls() ? 443 : 80;
    // Boost.URL 1.81 accepts "https://h:80xyz/p" as port 80 and path "xyz/p" (found by fuzz_url): a path
    // after an authority must start with '/', or the request line we would send is malformed.
    if (!u->encoded_path().empty() && !u->encoded_path().starts_with("/"))
        return make_error(errc::invalid_argument, "invalid URL '" + std::string(s) + "'");
    out.target = target_of(*u);
    return out;
}

result<url_parts> resolve_location(const endpoint& base, std::string_view location)
{
    if (location.starts_with("http://") || location.starts_with("https://"))
        return parse_url(location);
    if (!location.starts_with("/") || location.starts_with("//"))
        return make_error(errc::bad_response, "unsupported redirect location");
    return url_parts{base, std::string(location)};
}

}  // namespace vk::http
