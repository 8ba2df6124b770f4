// What a job kind (sync, keeper, snapshot, emissary, ...) provides to the runtime: a parser for its config
// keys and a factory for the body that runs its cycles.
#ifndef VAULTKEEPER_SERVER_RUNTIME_JOB_KIND_HPP
#define VAULTKEEPER_SERVER_RUNTIME_JOB_KIND_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/follow_up.hpp"
#include "runtime/model/cycle.hpp"

namespace vk::metrics {
class registry;
}

namespace vk::runtime {

// What a kind action receives: the request's JSON body (null when the request has none; the action validates
// it and names a bad field by its JSON pointer in an errc::bad_request) and the job's request_cycle.
struct action_request
{
    boost::json::value body;
    std::function<void()> request_cycle;
    std::map<std::string, std::string, std::less<>> params;  // the route's {segments} besides {name}
    std::map<std::string, std::string, std::less<>> query;   // the first value of each query parameter
    std::string caller;                                      // the admin token's (or certificate's) name
};

// An action's answer: a JSON object, or a vk::error whose errc the admin API maps to an HTTP status (in one
// place: api/error_status.hpp). Actions speak results, never HTTP.
using action_result = vk::result<boost::json::object>;
using action_fn = std::function<boost::asio::awaitable<action_result>(const action_request&)>;
// An action decided without I/O, as an awaitable.
boost::asio::awaitable<action_result> ready(action_result r);
// The actions a body serves, by action name.
using action_table = std::map<std::string, action_fn, std::less<>>;

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

    // The kind actions this body serves (a body of one role may serve fewer than its kind routes: the others
    // answer errc::conflict). An action may use the body only before its first suspension (a reload may drop
    // the job); state it needs across awaits lives in a shared_ptr it captures (see sync::sync_core).
    virtual action_table actions() { return {}; }

    // Why the kind's factory could not build this job (only the runtime's stand-in body has one): every
    // action of such a job answers errc::unavailable with it.
    virtual const vk::error* setup_error() const { return nullptr; }
};

// A kind-specific admin route: METHOD /v1/<kind>/{name}/<name>, served by the named job's body (a job of
// another kind is not_found). Declared by the kind so routes exist before any job does.
struct action_route
{
    std::string method;
    std::string name;
    bool accepted = false;  // success means work was queued (202) rather than done (200)
    // The admin scope it needs; unset: read for GET, operate otherwise (api/router.hpp).
    std::optional<vk::scope> needs = std::nullopt;
    // What the audit trail waits for to write the outcome of a successful call (api/model/audit_follow).
    vk::follow_up follow = vk::follow_up::none;
    // The scope that suffices for a body with "dry_run": true (a restore drill: operate); see api::route.
    std::optional<vk::scope> dry_run_needs = std::nullopt;
    // Written to the audit trail although a GET (what it answers is itself custody: a custodian's share).
    bool audit_read = false;
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

// A kind's factory answers the job's body, or the error of building it (a client that cannot be made: an
// unreadable CA file...). The runtime reports that error as the job's start failure (the job stops until a
// resume or a reload), so no body checks for it.
using body_result = vk::result<std::unique_ptr<job_body>>;

// The body the runtime runs for a job whose factory failed: its start() answers the factory's error.
std::unique_ptr<job_body> make_unbuilt_body(vk::error setup_error);

struct job_kind
{
    std::string name;
    vk::kind_parser parse;
    std::function<body_result(const vk::job_config&, job_services&)> create;
    std::vector<action_route> actions;
    // What --check-config prints about a job beyond "ok" (which credential source each storage will use),
    // decided without contacting anything. Optional.
    std::function<std::vector<std::string>(const vk::job_config&)> describe = nullptr;
};

}  // namespace vk::runtime

#endif
