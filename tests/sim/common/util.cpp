// base64, CLI flags, host:port splitting and signal-driven shutdown.
#include "common/util.hpp"

#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

#include <charconv>
#include <csignal>
#include <memory>

namespace simc {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decode_char(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

}  // namespace

std::string base64_encode(std::string_view data)
{
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3)
    {
        auto n = (std::uint32_t(std::uint8_t(data[i])) << 16) |
                 (std::uint32_t(std::uint8_t(data[i + 1])) << 8) | std::uint8_t(data[i + 2]);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    std::size_t rest = data.size() - i;
    if (rest > 0)
    {
        std::uint32_t n = std::uint32_t(std::uint8_t(data[i])) << 16;
        if (rest == 2)
            n |= std::uint32_t(std::uint8_t(data[i + 1])) << 8;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    static const auto table = [] {
        std::array<std::int8_t, 256> t{};
        t.fill(-1);
        for (int c = 0; c < 256; ++c)
            t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(decode_char(static_cast<char>(c)));
        return t;
    }();
    // Written through a pointer: a sync bucket is a few hundred KiB of base64 per request.
    std::string out(text.size() / 4 * 3, '\0');
    char* o = out.data();
    for (std::size_t i = 0; i < text.size(); i += 4)
    {
        bool last = i + 4 == text.size();
        int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        if (pad == 1 && text[i + 2] == '=')
            return std::nullopt;
        std::uint32_t n = 0;
        for (int k = 0; k < 4 - pad; ++k)
        {
            int v = table[static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)])];
            if (v < 0)
                return std::nullopt;
            n |= std::uint32_t(v) << (18 - 6 * k);
        }
        *o++ = char((n >> 16) & 0xFF);
        if (pad < 2)
            *o++ = char((n >> 8) & 0xFF);
        if (pad < 1)
            *o++ = char(n & 0xFF);
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
    return out;
}

std::optional<cli_flags> cli_flags::parse(int argc, char** argv, const std::vector<std::string>& known,
                                          std::string& error)
{
    cli_flags flags;
    for (int i = 1; i < argc; ++i)
    {
        std::string_view arg = argv[i];
        if (!arg.starts_with("--"))
        {
            error = "unexpected argument: " + std::string(arg);
            return std::nullopt;
        }
        arg.remove_prefix(2);
        std::string name(arg.substr(0, arg.find('=')));
        std::string value = "true";
        if (auto eq = arg.find('='); eq != std::string_view::npos)
            value = std::string(arg.substr(eq + 1));
        else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--"))
            value = argv[++i];
        if (std::find(known.begin(), known.end(), name) == known.end())
        {
            error = "unknown flag: --" + name;
            return std::nullopt;
        }
        flags.values_[name] = value;
    }
    return flags;
}

std::optional<std::string> cli_flags::get(std::string_view name) const
{
    auto it = values_.find(std::string(name));
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

std::string cli_flags::get_or(std::string_view name, std::string fallback) const
{
    auto v = get(name);
    return v ? *v : std::move(fallback);
}

std::optional<std::pair<std::string, unsigned short>> split_host_port(std::string_view text)
{
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    auto port_text = text.substr(colon + 1);
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port > 65535)
        return std::nullopt;
    return std::pair{std::string(text.substr(0, colon)), static_cast<unsigned short>(port)};
}

void stop_on_signals(boost::asio::io_context& ioc, std::function<void()> before_stop)
{
    // The set keeps itself alive through the handler's copy of the shared_ptr.
    auto signals = std::make_shared<boost::asio::signal_set>(ioc, SIGINT, SIGTERM);
    signals->async_wait([signals, &ioc, before_stop = std::move(before_stop)](auto ec, int) {
        if (ec)
            return;
        if (before_stop)
            before_stop();
        ioc.stop();
    });
}

}  // namespace simc
