// The fixture of k8s-sim's front tests: a sim without sockets or data_dir, called through answer() with
// requests as the listener decodes them (path, one query parameter, the test token).
#ifndef VAULTKEEPER_TESTS_SIM_K8S_TESTS_FRONT_FIXTURE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_TESTS_FRONT_FIXTURE_HPP

#include "k8s_sim.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <string>

namespace ksim::testing {

struct front_fixture : ::testing::Test
{
    ksim::sim k8s{{.token = "sa-token", .data_dir = ""}};

    simc::response call(std::string method, const std::string& target, std::string body = {},
                        bool auth = true, std::string content_type = "application/json")
    {
        simc::request req;
        req.method = std::move(method);
        req.target = target;
        const auto q = target.find('?');
        req.path = target.substr(0, q);
        if (q != std::string::npos)
        {
            auto query = target.substr(q + 1);
            const auto eq = query.find('=');
            req.query[query.substr(0, eq)] = query.substr(eq + 1);
        }
        if (auth)
            req.headers.set("Authorization", "Bearer sa-token");
        req.headers.set("Content-Type", content_type);
        req.body = std::move(body);
        return k8s.answer(req);
    }

    static boost::json::object body(const simc::response& res)
    {
        return boost::json::parse(res.body).as_object();
    }
};

}  // namespace ksim::testing

#endif
