// Shared fixture of the logical-layer unit tests: a dev-mode logical over an in-memory storage, a clock the
// tests move by hand, and a one-line way to send a request.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_TESTS_LOGICAL_FIXTURE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_TESTS_LOGICAL_FIXTURE_HPP

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "logical.hpp"

namespace vsim::test {

namespace json = boost::json;

class logical_test : public ::testing::Test
{
protected:
    storage st;
    logical lg{st};
    clock::time_point now =
        clock::time_point(std::chrono::seconds(1700000000)) + std::chrono::nanoseconds(123456789);
    std::string root = lg.initialize("dev-root", now);

    response send(std::string op, std::string path, json::value body = nullptr, std::string token = "",
                  std::map<std::string, std::string> query = {},
                  std::string content_type = "application/json")
    {
        request r{std::move(op),
                  std::move(path),
                  std::move(query),
                  std::move(body),
                  token.empty() ? root : std::move(token),
                  std::move(content_type)};
        return lg.handle(r, now);
    }

    static const json::object& body(const response& r) { return r.body->as_object(); }
    static json::value data(const response& r) { return r.body->as_object().at("data"); }
    static std::string first_error(const response& r)
    {
        auto& errs = r.body->as_object().at("errors").as_array();
        return errs.empty() ? std::string() : std::string(errs[0].as_string());
    }

    // Writes an HCL policy and returns a token (768h TTL) holding it.
    std::string token_with(const std::string& name, const std::string& hcl)
    {
        auto w = send("update", "sys/policies/acl/" + name, json::object{{"policy", hcl}});
        EXPECT_EQ(w.status, 204u);
        auto c =
            send("update", "auth/token/create", json::object{{"policies", json::array{json::value(name)}}});
        EXPECT_EQ(c.status, 200u);
        return std::string(body(c).at("auth").at("client_token").as_string());
    }
};

}  // namespace vsim::test

#endif
