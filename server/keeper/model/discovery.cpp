// Node discovery: parsing just enough of an address (scheme, host, port; IPv6 in brackets) to pair raft
// peers with API addresses.
#include "keeper/model/discovery.hpp"

#include <charconv>
#include <unordered_set>

namespace vk::keeper {

namespace {

struct address
{
    std::string scheme;  // "" when the text had none
    std::string host;    // as written, brackets kept for IPv6
    int port = 0;
};

std::optional<address> parse(std::string_view text)
{
    address a;
    if (auto p = text.find("://"); p != std::string_view::npos)
    {
        a.scheme = std::string(text.substr(0, p));
        text.remove_prefix(p + 3);
    }
    if (auto slash = text.find('/'); slash != std::string_view::npos)
        text = text.substr(0, slash);
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || (text.front() == '[' && text[colon - 1] != ']'))
        return std::nullopt;
    a.host = std::string(text.substr(0, colon));
    auto digits = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), a.port);
    if (ec != std::errc() || end != digits.data() + digits.size() || a.port <= 0 || a.port > 65535)
        return std::nullopt;
    return a;
}

std::string host_port(const address& a)
{
    return a.host + ":" + std::to_string(a.port);
}

}  // namespace

void node_map::learn(const std::vector<address_pair>& pairs)
{
    for (const auto& p : pairs)
    {
        auto cluster = parse(p.cluster);
        auto api = parse(p.api);
        if (!cluster || !api || api->scheme.empty())
            continue;
        api_by_cluster_[host_port(*cluster)] = p.api;
        if (!rule_ || cluster->host == api->host)  // a pair on one host shows the layout best
            rule_ = rule{api->scheme, api->port - cluster->port};
    }
}

result<std::vector<discovered_node>> node_map::resolve(const std::vector<std::string>& peers,
                                                       std::string_view configured_address) const
{
    auto configured = parse(configured_address);
    const rule fallback{configured && !configured->scheme.empty() ? configured->scheme : "https", -1};
    const rule& r = rule_ ? *rule_ : fallback;
    std::vector<discovered_node> out;
    std::unordered_set<std::string> seen;
    for (const auto& peer : peers)
    {
        auto a = parse(peer);
        if (!a)
            return make_error(errc::bad_response, "raft peer address \"" + peer + "\" is not host:port");
        discovered_node n;
        if (auto it = api_by_cluster_.find(host_port(*a)); it != api_by_cluster_.end())
            n.api = it->second;
        else
        {
            const int port = a->port + r.port_shift;
            if (port <= 0 || port > 65535)
                return make_error(errc::bad_response,
                                  "raft peer \"" + peer + "\": no API port can be derived");
            n.api = r.scheme + "://" + a->host + ":" + std::to_string(port);
            n.derived = true;
        }
        if (seen.insert(n.api).second)
            out.push_back(std::move(n));
    }
    return out;
}

}  // namespace vk::keeper
