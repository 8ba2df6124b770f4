// libFuzzer: URL parsing and redirect resolution (a Location header is untrusted server input; a config URL
// is operator input). Property: a value or an error, never a throw, a crash or a sanitizer report; a resolved
// redirect always names a host and a target starting with '/'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/model/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)vk::http::parse_host_port(text);
    (void)vk::http::parse_url(text);
    auto base = vk::http::parse_url("https://vault.example:8200/v1/sys/health");
    if (!base)
        std::abort();
    auto next = vk::http::resolve_location(base->where, text);
    if (next && (next->where.host.empty() || next->target.empty() || next->target.front() != '/'))
        std::abort();
    return 0;
}
