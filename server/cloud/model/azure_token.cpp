#include "cloud/model/azure_token.hpp"

#include "cloud/model/form.hpp"
#include "cloud/model/sigv4.hpp"
#include "core/json_field.hpp"

#include <boost/json/parse.hpp>
#include <charconv>

namespace vk::cloud::azure {
namespace {

// A whole number of seconds, written as a number (AAD) or a string (IMDS).
std::optional<long long> seconds(const boost::json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    if (!v)
        return std::nullopt;
    if (v->is_int64())
        return v->as_int64();
    if (v->is_uint64())
        return static_cast<long long>(v->as_uint64());
    if (!v->is_string())
        return std::nullopt;
    std::string_view s = v->as_string();
    long long n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return n;
}

}  // namespace

token_request imds_request(const managed_identity_source& m)
{
    std::string query;
    add_form_field(query, "api-version", imds_api_version);
    add_form_field(query, "resource", storage_resource);
    if (m.client_id)
        add_form_field(query, "client_id", *m.client_id);
    return {"GET", m.endpoint + std::string(imds_token_path) + "?" + query, {{"Metadata", "true"}}, ""};
}

token_request workload_request(const workload_identity_source& w, std::string_view assertion)
{
    std::string body;
    add_form_field(body, "client_assertion_type", jwt_bearer_assertion);
    add_form_field(body, "client_assertion", assertion);
    add_form_field(body, "client_id", w.client_id);
    add_form_field(body, "grant_type", "client_credentials");
    add_form_field(body, "scope", storage_scope);
    return {"POST",
            w.authority + "/" + sigv4::uri_encode(w.tenant_id, false) + "/oauth2/v2.0/token",
            {{"Content-Type", std::string(form_content_type)}},
            std::move(body)};
}

result<token_answer> parse_token_answer(std::string_view json)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec || !v.is_object())
        return make_error(errc::bad_response, "token answer is not a JSON object");
    const auto& o = v.as_object();
    token_answer a;
    a.access_token = string_field(o, "access_token");
    if (a.access_token.empty())
        return make_error(errc::bad_response, "token answer without access_token");
    if (auto type = string_field(o, "token_type"); !type.empty() && type != "Bearer" && type != "bearer")
        return make_error(errc::bad_response,
                          "token answer of token_type " + type.substr(0, 40) + ", not Bearer");
    if (auto in = seconds(o, "expires_in"))
        a.expires_in = std::chrono::seconds(*in);
    if (auto on = seconds(o, "expires_on"))
        a.expires_on = std::chrono::system_clock::time_point(std::chrono::seconds(*on));
    if (!a.expires_in && !a.expires_on)
        return make_error(errc::bad_response, "token answer without expires_in or expires_on");
    return a;
}

error token_refusal(unsigned status, std::string_view body)
{
    std::string detail;
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (!ec && v.is_object())
    {
        auto code = string_field(v.as_object(), "error");
        auto description = string_field(v.as_object(), "error_description");
        if (description.size() > 300)
            description = description.substr(0, 300) + "...";
        if (!code.empty())
            detail = " " + code + (description.empty() ? "" : ": " + description);
    }
    auto kind = status == 400 || status == 401 || status == 403 ? errc::permission_denied
                : status >= 500                                 ? errc::server_error
                                                                : errc::bad_request;
    auto e = make_error(kind, "HTTP " + std::to_string(status) + detail);
    e.status = status;
    return e;
}

result<std::chrono::system_clock::time_point>
token_expiry(const token_answer& a, std::chrono::system_clock::time_point requested,
             std::optional<std::chrono::system_clock::time_point> server_date)
{
    if (a.expires_in)
        return requested + *a.expires_in;
    if (a.expires_on)
        return aws::local_expiration(*a.expires_on, server_date, requested);
    return make_error(errc::bad_response, "token answer without expires_in or expires_on");
}

aws::refresh_windows token_refresh_windows(std::chrono::seconds refresh_before)
{
    // A fifth of the offset (at most 30 s) before expiry the token counts as expired: its exp claim is cut to
    // the second and the request that carries it takes time.
    return {refresh_before, std::min<std::chrono::seconds>(refresh_before / 5, std::chrono::seconds(30))};
}

}  // namespace vk::cloud::azure
