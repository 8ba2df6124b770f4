// A snapshot stream's way to disk: bytes are gathered a MiB at a time and each batch is written from the
// blocking pool (async/blocking.hpp), and so is the final fsync. A disk that throttles a multi-GiB write (the
// kernel's dirty-page limits), or an fsync that waits for gigabytes of writeback, then holds up the stream
// that fills it, never the io thread: the admin API, the HA lock and the other jobs keep running.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_DISK_BATCH_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_DISK_BATCH_HPP

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace vk::snapshot {

class disk_batch
{
public:
    using writer = std::function<result<void>(std::string_view)>;

    // `write` writes all of its bytes or fails; it runs on a pool thread, one call at a time.
    explicit disk_batch(writer write);

    // Takes the next bytes; writes the batch once it reaches a MiB.
    boost::asio::awaitable<result<void>> add(std::string_view bytes);
    // Writes what is gathered, then runs `then` (an fsync, a rename) on the pool thread too.
    boost::asio::awaitable<result<void>> finish(const std::function<result<void>()>& then);

private:
    boost::asio::awaitable<result<void>> flush();

    writer write_;
    std::string pending_;
};

// Runs `op` on the blocking pool and gives its result; `op` must outlive the call (pass a temporary in the
// co_await expression: see run_blocking).
boost::asio::awaitable<result<void>> on_pool(const std::function<result<void>()>& op);

}  // namespace vk::snapshot

#endif
