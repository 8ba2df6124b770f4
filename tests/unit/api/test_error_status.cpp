// The one errc -> HTTP status mapping of the admin API, and the error envelope kind actions answer with.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/error_status.hpp"

namespace {
using vk::errc;
using vk::api::http_status;

TEST(error_status, every_errc_has_its_status)
{
    const std::pair<errc, unsigned> table[] = {
        {errc::not_found, 404},        {errc::permission_denied, 403}, {errc::bad_request, 400},
        {errc::invalid_argument, 400}, {errc::conflict, 409},          {errc::too_large, 413},
        {errc::timeout, 504},          {errc::unavailable, 503},       {errc::cancelled, 503},
        {errc::sealed, 502},           {errc::uninitialized, 502},     {errc::standby, 502},
        {errc::rate_limited, 502},     {errc::server_error, 502},      {errc::transport_error, 502},
        {errc::bad_response, 502},     {errc::io_error, 500},          {errc::internal, 500},
    };
    for (auto [code, status] : table)
        EXPECT_EQ(http_status(code), status) << to_string(code);
}

TEST(error_status, envelope_carries_code_and_context_without_repeating_the_code)
{
    auto e = vk::make_error(errc::conflict, "the held set changed", "http://127.0.0.1:8500", "vsync/index");
    auto r = vk::api::error_response(e);
    EXPECT_EQ(r.status, 409u);
    auto v = boost::json::parse(r.body);
    EXPECT_EQ(v.at("error").at("code").as_string(), "conflict");
    std::string message(v.at("error").at("message").as_string());
    EXPECT_EQ(message.find("conflict:"), std::string::npos) << message;
    EXPECT_NE(message.find("the held set changed"), std::string::npos) << message;
    EXPECT_NE(message.find("vsync/index"), std::string::npos) << message;
}

TEST(error_status, field_errors_keep_their_json_pointer)
{
    auto r = vk::api::error_response(vk::make_error(errc::bad_request, "/plan: must be a string"));
    EXPECT_EQ(r.status, 400u);
    auto v = boost::json::parse(r.body);
    EXPECT_EQ(v.at("error").at("message").as_string(), "/plan: must be a string");
}

TEST(error_status, the_apis_own_refusals_are_mapped_here_too)
{
    using vk::api::refusal;
    const std::tuple<refusal, unsigned, const char*> table[] = {
        {refusal::unauthorized, 401, "unauthorized"},
        {refusal::host_not_allowed, 403, "host_not_allowed"},
        {refusal::cross_origin, 403, "cross_origin"},
        {refusal::no_route, 404, "not_found"},
        {refusal::job_not_found, 404, "job_not_found"},
        {refusal::cycle_not_found, 404, "cycle_not_found"},
        {refusal::method_not_allowed, 405, "method_not_allowed"},
    };
    for (auto [r, status, code] : table)
    {
        auto res = vk::api::refuse(r, "why");
        EXPECT_EQ(res.status, status) << code;
        auto v = boost::json::parse(res.body);
        EXPECT_EQ(v.at("error").at("code").as_string(), code);
        EXPECT_EQ(v.at("error").at("message").as_string(), "why");
    }
    EXPECT_EQ(vk::api::refuse(refusal::unauthorized, "x").headers.get("WWW-Authenticate").value_or(""),
              "Bearer");
}

}  // namespace
