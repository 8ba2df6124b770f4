// Issue 15, "Redirects": the Vault client follows a 307 only to the active node its configured node names in
// sys/leader; a redirect anywhere else is refused and the token never reaches that endpoint.
#include "http/helpers.hpp"
#include "vault_env.hpp"

#include <boost/json/serialize.hpp>

namespace vk::test {
namespace {

namespace asio = boost::asio;

// Records whether a request reached it and whether it carried a Vault token.
struct recorder
{
    int reached = 0;
    bool got_token = false;
    http::handler handler()
    {
        return [this](http::request& r) -> asio::awaitable<http::response> {
            ++reached;
            got_token = got_token || r.headers.contains("X-Vault-Token");
            co_return http::response::text(200, R"({"data":{"data":{"k":"v"},"metadata":{"version":1}}})");
        };
    }
};

// A standby whose sys/leader names `leader` and which redirects every other request to `target`.
http::handler standby(std::string leader, std::string target)
{
    return [leader, target](http::request& r) -> asio::awaitable<http::response> {
        if (r.path == "/v1/sys/leader")
            co_return http::response::text(
                200, boost::json::serialize(boost::json::object{{"ha_enabled", true},
                                                                {"is_self", false},
                                                                {"leader_address", leader},
                                                                {"leader_cluster_address", ""},
                                                                {"raft_committed_index", 0},
                                                                {"raft_applied_index", 0}}));
        http::response res;
        res.status = 307;
        res.headers.set("Location", target + r.target);
        co_return res;
    };
}

vault_config config_for(std::uint16_t port)
{
    vault_config cfg;
    cfg.name = "test";
    cfg.address = "http://127.0.0.1:" + std::to_string(port);
    cfg.auth.token = secret("s.redirect-test-token");
    cfg.request_timeout = std::chrono::seconds(5);
    return cfg;
}

asio::awaitable<result<vault::reply>> read_through(std::uint16_t port)
{
    auto c = make_client(co_await asio::this_coro::executor, config_for(port));
    vault::call get;
    get.path = "secret/data/x";
    co_return co_await c->send(get);
}

std::string url_of(const http::server& s)
{
    return "http://127.0.0.1:" + std::to_string(s.port());
}

ASYNC_TEST(vault_redirect, a_redirect_to_a_node_that_is_not_the_leader_is_refused)
{
    recorder other, leader;
    co_await with_server(
        local_params(), leader.handler(), [&](http::server& active) -> asio::awaitable<void> {
            co_await with_server(
                local_params(), other.handler(), [&](http::server& elsewhere) -> asio::awaitable<void> {
                    auto h = standby(url_of(active), url_of(elsewhere));
                    co_await with_server(local_params(), h, [&](http::server& node) -> asio::awaitable<void> {
                        auto r = co_await read_through(node.port());
                        EXPECT_FALSE(r.has_value());
                        if (!r)
                        {
                            EXPECT_EQ(r.error().code, errc::bad_response) << r.error().describe();
                            EXPECT_NE(r.error().describe().find(url_of(elsewhere)), std::string::npos)
                                << r.error().describe();
                        }
                    });
                });
        });
    EXPECT_EQ(other.reached, 0);
    EXPECT_FALSE(other.got_token);
    EXPECT_EQ(leader.reached, 0);
}

ASYNC_TEST(vault_redirect, a_redirect_to_the_leader_the_node_names_is_followed)
{
    recorder leader;
    co_await with_server(
        local_params(), leader.handler(), [&](http::server& active) -> asio::awaitable<void> {
            auto h = standby(url_of(active), url_of(active));
            co_await with_server(local_params(), h, [&](http::server& node) -> asio::awaitable<void> {
                auto r = co_await read_through(node.port());
                EXPECT_TRUE(r && r->status == 200) << (r ? "" : r.error().describe());
            });
        });
    EXPECT_EQ(leader.reached, 1);
    EXPECT_TRUE(leader.got_token);
}

}  // namespace
}  // namespace vk::test
