#include "cloud/model/gcp_token.hpp"

#include "core/json_field.hpp"

#include <boost/json/parse.hpp>

namespace vk::cloud::gcp {

result<access_token> parse_token_answer(std::string_view json, std::chrono::system_clock::time_point now)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec || !v.is_object())
        return make_error(errc::bad_response, "token answer is not a JSON object");
    const auto& o = v.as_object();
    access_token t;
    t.value = string_field(o, "access_token");
    if (t.value.empty())
        return make_error(errc::bad_response, "token answer without access_token");
    if (auto type = string_field(o, "token_type"); !type.empty() && type != "Bearer")
        return make_error(errc::bad_response,
                          "token answer of token_type " + type.substr(0, 20) + ", not Bearer");
    auto* in = o.if_contains("expires_in");
    if (!in || !in->is_number() || in->to_number<double>() <= 0)
        return make_error(errc::bad_response, "token answer without a positive expires_in");
    t.expiration = now + std::chrono::seconds(in->to_number<long long>());
    return t;
}

error token_refusal(unsigned status, std::string_view body)
{
    auto code = status >= 500                                     ? errc::server_error
                : status == 400 || status == 401 || status == 403 ? errc::permission_denied
                                                                  : errc::bad_response;
    std::string message = "HTTP " + std::to_string(status);
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (!ec && v.is_object())
        if (auto e = string_field(v.as_object(), "error"); !e.empty())
        {
            message += ": " + e;
            if (auto d = string_field(v.as_object(), "error_description"); !d.empty())
                message += ": " + d;
        }
    auto out = make_error(code, std::move(message));
    out.status = status;
    return out;
}

}  // namespace vk::cloud::gcp
