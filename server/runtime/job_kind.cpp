// Defaults: no start-up checks, no background work; the body of a job whose factory failed.
#include "runtime/job_kind.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk::runtime {

boost::asio::awaitable<vk::result<void>> job_body::start(cycle_context&)
{
    co_return vk::result<void>{};
}

boost::asio::awaitable<void> job_body::background(const std::function<void()>&)
{
    namespace asio = boost::asio;
    asio::steady_timer forever(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
}

namespace {

class unbuilt_body final : public job_body
{
public:
    explicit unbuilt_body(vk::error e)
        : error_(std::move(e))
    {
    }
    boost::asio::awaitable<vk::result<void>> start(cycle_context&) override { co_return error_; }
    boost::asio::awaitable<void> run_cycle(cycle_context&) override { co_return; }
    boost::json::object status() const override { return {{"setup_error", error_.describe()}}; }
    const vk::error* setup_error() const override { return &error_; }

private:
    vk::error error_;
};

}  // namespace

std::unique_ptr<job_body> make_unbuilt_body(vk::error setup_error)
{
    return std::make_unique<unbuilt_body>(std::move(setup_error));
}

boost::asio::awaitable<action_result> ready(action_result r)
{
    co_return r;
}

}  // namespace vk::runtime
