// The daemon: owns the config, metrics, jobs, notifier and admin server on one io_context; handles
// SIGINT/SIGTERM (graceful shutdown) and SIGHUP (reload, rejected with --check-config's messages when
// invalid).
#ifndef VAULTKEEPER_SERVER_APP_DAEMON_HPP
#define VAULTKEEPER_SERVER_APP_DAEMON_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "runtime/job_kind.hpp"

namespace vk::app {

struct daemon_params
{
    std::string config_path;               // re-read on SIGHUP
    std::vector<runtime::job_kind> kinds;  // the job kinds this build knows (app::known_kinds())
    std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
};

class daemon
{
public:
    daemon(boost::asio::io_context& ioc, vk::config cfg, daemon_params params);
    ~daemon();

    // Runs until shutdown; returns the process exit code (0, or 1 after a fatal error with halt_on_fatal,
    // or 1 when the admin listener cannot be bound).
    boost::asio::awaitable<int> run();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::app

#endif
