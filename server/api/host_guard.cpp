// Host header check against DNS rebinding.
#include "api/host_guard.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vk::api {
namespace {

bool is_ipv4(std::string_view h)
{
    return std::count(h.begin(), h.end(), '.') == 3 && !h.empty() &&
           h.find_first_not_of("0123456789.") == std::string_view::npos;
}

bool same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Splits "host[:port]" / "[v6][:port]"; false when malformed.
bool split(std::string_view in, std::string_view& host, std::string_view& port, bool& v6)
{
    v6 = !in.empty() && in.front() == '[';
    auto close = v6 ? in.find(']') : std::string_view::npos;
    if (v6 && close == std::string_view::npos)
        return false;
    auto colon = v6 ? (close + 1 < in.size() ? close + 1 : std::string_view::npos) : in.rfind(':');
    if (v6 && colon != std::string_view::npos && in[colon] != ':')
        return false;
    host = v6 ? in.substr(1, close - 1) : in.substr(0, colon);
    port = colon == std::string_view::npos ? std::string_view() : in.substr(colon + 1);
    return !host.empty();
}

}  // namespace

bool host_allowed(std::string_view host_header, std::uint16_t listen_port,
                  const std::vector<std::string>& names)
{
    std::string_view host, port;
    bool v6 = false;
    if (!split(host_header, host, port, v6))
        return false;
    if (!port.empty())
    {
        unsigned p = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc() || end != port.data() + port.size() || p != listen_port)
            return false;
    }
    if (v6 || is_ipv4(host) || same_name(host, "localhost"))
        return true;
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return same_name(host, n); });
}

}  // namespace vk::api
