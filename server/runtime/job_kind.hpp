// What a job kind (sync, keeper, snapshot, emissary, ...) provides to the runtime: a parser for its config
// keys and a factory for the body that runs its cycles.
#ifndef VAULTKEEPER_SERVER_RUNTIME_JOB_KIND_HPP
#define VAULTKEEPER_SERVER_RUNTIME_JOB_KIND_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "runtime/cycle.hpp"

namespace vk::metrics {
class registry;
}

namespace vk::runtime {

class job_body
{
public:
    virtual ~job_body() = default;

    // Start-up checks, run before the first cycle (and again on resume after a failure). A returned error
    // is fatal for the job. Runs under the job's cycle deadline; cancellable.
    virtual boost::asio::awaitable<vk::result<void>> start(cycle_context& ctx);

    // One cycle. Reports failures through ctx; must stop promptly when cancelled (every await is a
    // cancellation point) and must not save anything when the cycle did not succeed.
    virtual boost::asio::awaitable<void> run_cycle(cycle_context& ctx) = 0;

    // Kind-specific state for GET /v1/jobs/{name} (never secret values).
    virtual boost::json::object status() const { return {}; }

    // Work that lives as long as the job (token renewal, watches that start cycles early): runs beside the
    // cycle loop from the job's start and is cancelled when the job stops. `request_cycle` asks for a cycle
    // as soon as possible (after the running one, if any). The default waits for cancellation.
    virtual boost::asio::awaitable<void> background(const std::function<void()>& request_cycle);
};

// The answer of a kind action: an HTTP status and a JSON body.
struct action_reply
{
    unsigned status = 200;
    boost::json::object body;
};

// {"error":{"code","message"}}, the admin API's error shape.
action_reply action_error(unsigned status, std::string_view code, std::string_view message);

// A kind-specific admin route: METHOD /v1/<kind>/{name}/<name>, run against the named job's body (a job of
// another kind is 404). `request_cycle` is the job's: an action may ask for a cycle.
struct kind_action
{
    std::string method;
    std::string name;
    std::function<boost::asio::awaitable<action_reply>(job_body&, const std::function<void()>& request_cycle)> run;
};

// Services a job body may use; filled in by the application (clients, metrics...).
struct job_services
{
    boost::asio::any_io_executor executor;
    // The config the job was created from; a job keeps this pointer, so it stays valid across reloads.
    std::shared_ptr<const vk::config> config;
    // Kind metrics (may be null in tests).
    vk::metrics::registry* metrics = nullptr;
};

struct job_kind
{
    std::string name;
    vk::kind_parser parse;
    std::function<std::unique_ptr<job_body>(const vk::job_config&, job_services&)> create;
    std::vector<kind_action> actions;
};

}  // namespace vk::runtime

#endif
