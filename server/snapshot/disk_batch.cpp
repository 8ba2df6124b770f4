// Batched writes from the blocking pool (see disk_batch.hpp).
#include "snapshot/disk_batch.hpp"

#include "async/blocking.hpp"

namespace vk::snapshot {
namespace asio = boost::asio;

namespace {

// One pool hop per MiB: cheap beside the MiB's download, and the buffer is the only memory it adds.
constexpr std::size_t batch_bytes = 1 << 20;

}  // namespace

asio::awaitable<result<void>> on_pool(const std::function<result<void>()>& op)
{
    result<void> r;
    co_await run_blocking([&] { r = op(); });
    co_return r;
}

disk_batch::disk_batch(writer write)
    : write_(std::move(write))
{
    pending_.reserve(batch_bytes);
}

asio::awaitable<result<void>> disk_batch::add(std::string_view bytes)
{
    pending_.append(bytes);
    if (pending_.size() < batch_bytes)
        co_return result<void>();
    co_return co_await flush();
}

asio::awaitable<result<void>> disk_batch::flush()
{
    if (pending_.empty())
        co_return result<void>();
    auto r = co_await on_pool([this] { return write_(pending_); });
    pending_.clear();
    co_return r;
}

asio::awaitable<result<void>> disk_batch::finish(const std::function<result<void>()>& then)
{
    if (auto r = co_await flush(); !r)
        co_return r;
    co_return co_await on_pool(then);
}

}  // namespace vk::snapshot
