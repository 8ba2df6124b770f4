// The audit file: lines appended (O_APPEND, one write each) and fsynced on the blocking pool, so the io
// thread never waits on the disk; reopened at the next line after a SIGHUP (logrotate moves the file away).
#ifndef VAULTKEEPER_SERVER_API_AUDIT_LOG_HPP
#define VAULTKEEPER_SERVER_API_AUDIT_LOG_HPP

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"

namespace vk::api {

class audit_log
{
public:
    audit_log() = default;
    explicit audit_log(audit_config c);
    ~audit_log();

    bool enabled() const { return !config_.file.empty(); }
    bool required() const { return config_.required; }
    // A new configuration (a reload): the file is reopened at the next line.
    void configure(audit_config c);
    void reopen();

    // Appends `line` (one JSON object and its newline) and fsyncs it. errc::io_error naming the file.
    boost::asio::awaitable<result<void>> append(std::string line);

private:
    struct file;
    audit_config config_;
    std::shared_ptr<file> open_;  // shared with a write in progress on the pool
    // Bumped by reopen(): a write that started before it must not keep its (rotated) file open after it.
    std::uint64_t generation_ = 0;
};

}  // namespace vk::api

#endif
