// The AWS credential provider's shell against a local container endpoint: concurrent callers share one
// fetch, the Authorization comes from the token file, and botocore's refresh windows decide what a failed
// refresh does (advisory: the current keys stay; mandatory: the error, naming the source and endpoint).
#include "async_test.hpp"
#include "cloud/aws_credential_provider.hpp"
#include "core/time.hpp"
#include "http/helpers.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <cstdlib>
#include <fstream>

namespace asio = boost::asio;
namespace aws = vk::cloud::aws;
using namespace std::chrono_literals;
using vk::test::local_params;
using vk::test::sleep_for;
using vk::test::with_server;

// Named, not anonymous: coroutine frames of the tests hold these types (GCC warns otherwise).
namespace provider_test {

// The container endpoint: credentials expiring in `ttl`, or 500 while `failing`; counts the calls and the
// Authorization values it saw.
struct container_endpoint
{
    std::chrono::seconds ttl{3600};
    bool failing = false;
    int calls = 0;
    std::vector<std::string> authorizations;

    vk::http::handler handler()
    {
        return [this](vk::http::request& r) -> asio::awaitable<vk::http::response> {
            ++calls;
            authorizations.emplace_back(r.headers.get("Authorization").value_or(""));
            co_await sleep_for(20ms);  // long enough for concurrent callers to pile up
            if (failing)
                co_return vk::http::response::text(500, "down");
            auto expiration = vk::format_rfc3339(std::chrono::system_clock::now() + ttl);
            co_return vk::http::response::json(200, {{"AccessKeyId", "ASIA" + std::to_string(calls)},
                                                     {"SecretAccessKey", "s"},
                                                     {"Token", "t"},
                                                     {"Expiration", expiration}});
        };
    }
};

// The container variables for the provider under test, removed again afterwards.
struct container_env
{
    container_env(std::uint16_t port, const std::string& token_file)
    {
        ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 ("http://127.0.0.1:" + std::to_string(port) + "/v1/credentials").c_str(), 1);
        ::setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.c_str(), 1);
        for (auto name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_WEB_IDENTITY_TOKEN_FILE"})
            ::unsetenv(name);
    }
    ~container_env()
    {
        ::unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        ::unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }
};

std::string token_file()
{
    auto path = ::testing::TempDir() + "vk-pod-identity-token";
    std::ofstream(path) << "pod-token\n";
    return path;
}

}  // namespace provider_test

using namespace provider_test;

ASYNC_TEST(aws_credential_provider, concurrent_callers_share_one_fetch)
{
    container_endpoint creds;
    co_await with_server(
        local_params(), creds.handler(), [&](vk::http::server& srv) -> asio::awaitable<void> {
            using namespace asio::experimental::awaitable_operators;
            container_env env(srv.port(), token_file());
            auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
            aws::credential_provider p({}, ex);
            std::vector<std::string> ids;
            auto one = [&]() -> asio::awaitable<void> {
                auto c = co_await p.current();
                ids.push_back(c ? c->access_key_id : c.error().message);
            };
            co_await (one() && one() && one());
            EXPECT_EQ(creds.calls, 1);
            EXPECT_EQ(ids, (std::vector<std::string>{"ASIA1", "ASIA1", "ASIA1"}));
            EXPECT_EQ(creds.authorizations,
                      std::vector<std::string>{"pod-token"});  // the file, without its newline
        });
}

ASYNC_TEST(aws_credential_provider, advisory_refresh_failure_keeps_the_current_keys)
{
    container_endpoint creds;
    creds.ttl =
        std::chrono::minutes(12);  // inside the 15 min advisory window, outside the 10 min mandatory one
    co_await with_server(local_params(), creds.handler(),
                         [&](vk::http::server& srv) -> asio::awaitable<void> {
                             container_env env(srv.port(), token_file());
                             auto ex = co_await asio::this_coro::executor;
                             aws::credential_provider p({}, ex);
                             auto first = co_await p.current();
                             EXPECT_EQ(first ? first->access_key_id : first.error().message, "ASIA1");
                             creds.failing = true;
                             auto second = co_await p.current();
                             EXPECT_GT(creds.calls, 1);  // a refresh was tried (and retried)
                             EXPECT_EQ(second ? second->access_key_id : second.error().message, "ASIA1");
                         });
}

ASYNC_TEST(aws_credential_provider, mandatory_refresh_failure_is_an_error_naming_the_source)
{
    container_endpoint creds;
    creds.ttl = std::chrono::minutes(12);
    co_await with_server(
        local_params(), creds.handler(), [&](vk::http::server& srv) -> asio::awaitable<void> {
            container_env env(srv.port(), token_file());
            auto ex = co_await asio::this_coro::executor;
            aws::provider_settings s;
            s.windows = {std::chrono::minutes(20), std::chrono::minutes(13)};  // 12 min left: mandatory
            aws::credential_provider p(s, ex);
            auto first = co_await p.current();
            EXPECT_TRUE(first.has_value());
            creds.failing = true;
            auto second = co_await p.current();
            EXPECT_FALSE(second.has_value());
            auto e = second ? vk::error{} : second.error();
            EXPECT_EQ(e.message, "AWS credentials from container (EKS Pod Identity): HTTP 500");
            EXPECT_EQ(e.endpoint, "http://127.0.0.1:" + std::to_string(srv.port()));
        });
}
