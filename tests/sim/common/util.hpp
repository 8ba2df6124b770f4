// Helpers both simulators need: Go durations, base64, a tiny CLI flag parser, signal-driven shutdown.
#ifndef VAULTKEEPER_TESTS_SIM_COMMON_UTIL_HPP
#define VAULTKEEPER_TESTS_SIM_COMMON_UTIL_HPP

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simc {

// Go's time.ParseDuration: "10s", "15000ms", "1m30s", "1.5h", "-2s", "0". Units ns us µs ms s m h.
// nullopt for anything Go rejects (missing unit, unknown unit, empty string).
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);
// Go's Duration.String(): "15s", "1m30s", "24h0m0s", "1.5s", "250ms", "0s".
std::string format_go_duration(std::chrono::nanoseconds d);

// Standard alphabet, padded.
std::string base64_encode(std::string_view data);
// Accepts padded standard base64 (whitespace not allowed); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

// "--name value" and "--name=value" flags; a flag followed by another flag (or nothing) is "true".
class cli_flags
{
public:
    // Fails (error text) on a positional argument or a flag not listed in `known`.
    static std::optional<cli_flags> parse(int argc, char** argv, const std::vector<std::string>& known,
                                          std::string& error);
    std::optional<std::string> get(std::string_view name) const;
    std::string get_or(std::string_view name, std::string fallback) const;
    bool has(std::string_view name) const { return values_.contains(std::string(name)); }

private:
    std::map<std::string, std::string> values_;
};

// Splits "host:port"; nullopt when the port is missing or not a number.
std::optional<std::pair<std::string, unsigned short>> split_host_port(std::string_view text);

// On SIGINT or SIGTERM: runs before_stop (if any), then stops ioc so run() returns and destructors run.
void stop_on_signals(boost::asio::io_context& ioc, std::function<void()> before_stop = {});

}  // namespace simc

#endif
