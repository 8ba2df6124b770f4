// The vk error category and the describe() text used in logs, API answers and webhook payloads.
#include "core/error.hpp"

#include <stdexcept>
#include <system_error>

namespace vk {
namespace {

class category final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "vaultkeeper"; }
    std::string message(int ev) const override { return std::string(to_string(static_cast<errc>(ev))); }
};

}  // namespace

const boost::system::error_category& vk_category() noexcept
{
    static const category instance;
    return instance;
}

std::string_view to_string(errc e) noexcept
{
    switch (e)
    {
    case errc::ok: return "ok";
    case errc::not_found: return "not_found";
    case errc::permission_denied: return "permission_denied";
    case errc::sealed: return "sealed";
    case errc::uninitialized: return "uninitialized";
    case errc::standby: return "standby";
    case errc::rate_limited: return "rate_limited";
    case errc::bad_request: return "bad_request";
    case errc::conflict: return "conflict";
    case errc::too_large: return "too_large";
    case errc::server_error: return "server_error";
    case errc::transport_error: return "transport_error";
    case errc::bad_response: return "bad_response";
    case errc::timeout: return "timeout";
    case errc::cancelled: return "cancelled";
    case errc::invalid_argument: return "invalid_argument";
    case errc::io_error: return "io_error";
    case errc::unavailable: return "unavailable";
    case errc::internal: return "internal";
    }
    return "unknown";
}

std::string error::describe() const
{
    std::string out(to_string(code));
    if (!message.empty())
        out += ": " + message;
    std::string ctx;
    auto add = [&](std::string_view label, const std::string& v) {
        if (v.empty())
            return;
        ctx += ctx.empty() ? "" : ", ";
        ctx.append(label).append(" ").append(v);
    };
    add("endpoint", endpoint);
    add("path", path);
    add("status", status ? std::to_string(status) : std::string());
    if (!ctx.empty())
        out += " (" + ctx + ")";
    return out;
}

error make_error(errc code, std::string message, std::string endpoint, std::string path)
{
    return error{code, std::move(message), std::move(endpoint), std::move(path), 0};
}

void throw_exception_from_error(const error& e, const boost::source_location&)
{
    throw std::runtime_error(e.describe());
}

}  // namespace vk
