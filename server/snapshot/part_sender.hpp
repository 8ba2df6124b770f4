// Sends the parts of a multipart upload (S3 parts, Azure blocks) with up to N in flight, each part retried
// alone when it fails with a retryable outcome (model/part_scheduler decides); the first final failure
// cancels the parts in flight and waits for them before returning.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_PART_SENDER_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_PART_SENDER_HPP

#include "core/error.hpp"
#include "snapshot/model/part_scheduler.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vk::snapshot {

// One attempt at part `i`: its id for the commit (S3's ETag, an Azure block id) or the attempt's error.
using send_part_fn = std::function<boost::asio::awaitable<result<std::string>>(std::uint64_t i)>;

// Sends parts 0..count-1 with at most `concurrency` attempts in flight and returns their ids in part order.
// Errors: the error of the part that failed for good (a refusal, or its last attempt); errc::cancelled when
// the caller was cancelled (every attempt in flight is cancelled and awaited first).
// `send` is taken by reference and must outlive the call (GCC 12: no temporary converted to a parameter).
boost::asio::awaitable<result<std::vector<std::string>>> send_parts_parallel(std::uint64_t count,
                                                                             unsigned concurrency,
                                                                             const send_part_fn& send,
                                                                             part_retry_policy policy = {});

}  // namespace vk::snapshot

#endif
