// The "test" job kind used by the runtime's own tests.
#include "test_kind.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/workers.hpp"

namespace vk::runtime {
namespace asio = boost::asio;

std::atomic<int> test_kind_live_children{0};

namespace {

struct live_guard
{
    live_guard() { ++test_kind_live_children; }
    ~live_guard() { --test_kind_live_children; }
};

class test_body final : public job_body
{
public:
    explicit test_body(std::shared_ptr<const test_kind_settings> s)
        : s_(std::move(s))
    {
    }

    asio::awaitable<vk::result<void>> start(cycle_context&) override
    {
        if (s_->fail_start)
            co_return make_error(errc::invalid_argument, "start-up check failed as configured");
        co_return vk::result<void>{};
    }

    asio::awaitable<void> run_cycle(cycle_context& ctx) override
    {
        ++cycles_;
        co_await for_each_bounded(static_cast<std::size_t>(s_->children),
                                  static_cast<std::size_t>(s_->children),
                                  [this](std::size_t) { return child(); });
        ctx.count("children", s_->children);
        if (cycles_ < s_->fail_from_cycle || s_->fail == "none")
            co_return;
        auto err = make_error(errc::server_error, "failure injected by the test kind", "", "test/path");
        if (s_->fail == "error")
            ctx.error(err);
        else if (s_->fail == "fatal")
            ctx.fatal(err);
        else
            throw std::runtime_error("exception injected by the test kind");
    }

    boost::json::object status() const override { return {{"cycles", cycles_}}; }

private:
    asio::awaitable<void> child()
    {
        live_guard g;
        asio::steady_timer t(co_await asio::this_coro::executor);
        t.expires_after(s_->sleep);
        co_await t.async_wait(asio::use_awaitable);
    }

    std::shared_ptr<const test_kind_settings> s_;
    int cycles_ = 0;
};

std::shared_ptr<const job_settings> parse(object_reader& r, const vk::config&)
{
    auto s = std::make_shared<test_kind_settings>();
    s->sleep = r.dur_or("sleep", s->sleep);
    s->children = static_cast<int>(r.integer_or("children", 0, 10000, s->children));
    s->fail = r.one_of("fail", {"none", "error", "fatal", "throw"}, s->fail);
    s->fail_from_cycle = static_cast<int>(r.integer_or("fail_from_cycle", 1, 1'000'000, s->fail_from_cycle));
    s->fail_start = r.boolean_or("fail_start", false);
    s->fail_setup = r.boolean_or("fail_setup", false);
    return s;
}

}  // namespace

job_kind make_test_kind()
{
    return job_kind{
        "test",
        parse,
        [](const vk::job_config& cfg, job_services&) -> body_result {
            auto s = std::static_pointer_cast<const test_kind_settings>(cfg.settings);
            if (s->fail_setup)
                return vk::make_error(vk::errc::invalid_argument, "its client cannot be built (fail_setup)",
                                      cfg.name);
            return std::make_unique<test_body>(std::move(s));
        },
    };
}

}  // namespace vk::runtime
