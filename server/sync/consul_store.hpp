// The sync info in Consul, as the shells read and write it: a cached reader that fetches only the buckets
// whose hash changed and never returns a torn read, and the writer of a write plan.
#ifndef VAULTKEEPER_SERVER_SYNC_CONSUL_STORE_HPP
#define VAULTKEEPER_SERVER_SYNC_CONSUL_STORE_HPP

#include "core/error.hpp"
#include "sync/model/heal.hpp"
#include "sync/model/sync_info.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vk::consul {
class client;
}

namespace vk::sync {

// What one refresh found.
struct info_state
{
    bool present = false;            // false: the index key does not exist (nobody wrote this info yet)
    bool changed = false;            // the index differs from the previous refresh
    std::uint64_t modify_index = 0;  // the index key's ModifyIndex (0 when absent)
};

// Follows one sync info (`<prefix>index` and its buckets) across cycles. The first refresh reads the index
// and then every bucket, one key per request (no answer is ever as big as the prefix); later ones read the
// index and then only the buckets whose hash changed.
// Every bucket read is checked against the index read; a mismatch (a writer raced us) re-reads the index and
// those buckets, up to `max_rounds`, then fails with errc::conflict. Not for concurrent use.
//
// A writer reading its own info (`own`): a tear can only be a save of ours that did not complete, so it is no
// conflict: the buckets as read are what the writer last recorded, and holdings() says what Consul holds so
// that the next save rewrites exactly what differs, then the index (issue 10).
class info_reader
{
public:
    explicit info_reader(std::string prefix, bool own = false)
        : prefix_(std::move(prefix)),
          own_(own)
    {
    }

    // Errors: the Consul client's, errc::bad_response naming the key for a value that does not decode,
    // errc::not_found for a bucket the index names but Consul lacks, errc::conflict for a persistent tear.
    boost::asio::awaitable<result<info_state>> refresh(consul::client& c, std::size_t workers);

    // The info as of the last successful refresh (reindexed; its index() equals the index read).
    // nullopt before that, or when the index key was absent.
    const std::optional<sync_info>& info() const noexcept { return info_; }
    std::optional<sync_info>& info() noexcept { return info_; }
    const std::string& prefix() const noexcept { return prefix_; }
    // What Consul held under the prefix at the last successful refresh (consistent unless an own tear).
    const consul_holdings& holdings() const noexcept { return holdings_; }

    // Forgets the cache: the next refresh reads everything (after a write of ours failed half way).
    void reset()
    {
        info_.reset();
        holdings_ = {};
    }

    static constexpr int max_rounds = 5;

private:
    boost::asio::awaitable<result<info_state>> read_all(consul::client& c, std::size_t workers);
    boost::asio::awaitable<result<void>> read_buckets(consul::client& c, std::vector<std::size_t> which,
                                                      std::size_t workers);

    std::string prefix_;
    bool own_ = false;
    std::optional<sync_info> info_;
    consul_holdings holdings_;
};

// Reads the bucket keys `which` under `prefix` with at most `workers` reads in flight, handing each answer to
// `take` as it arrives (its value, nullptr when the key is absent; an error it returns stops the reads): one
// key per request, so no answer is ever as big as the prefix, and memory bounded by `workers` buckets.
using bucket_taker = std::function<std::optional<error>(std::size_t bucket, const std::string* value)>;
boost::asio::awaitable<result<void>> read_bucket_keys(consul::client& c, const std::string& prefix,
                                                      const std::vector<std::size_t>& which,
                                                      std::size_t workers, const bucket_taker& take);

// The index hashes under `prefix` (`<prefix>index`), with the key's ModifyIndex; an absent key is an empty
// list with modify index 0.
struct published_index
{
    std::vector<std::string> hashes;
    std::uint64_t modify_index = 0;
};
boost::asio::awaitable<result<published_index>> load_index(consul::client& c, const std::string& prefix);

// Brings Consul from `previous_index` to `info` (plan_writes: changed buckets in transactions of <= 64 ops,
// the index last). Returns the number of keys written (0 when nothing changed). A bucket too big for a
// transaction body goes alone as a plain PUT. Two batches are in flight at a time; none starts after one
// failed, and the final batch (the index) is sent only once every other one was written.
boost::asio::awaitable<result<std::size_t>> save_info(consul::client& c, const std::string& prefix,
                                                      const std::vector<std::string>& previous_index,
                                                      sync_info& info);

// The same from what Consul `held` (write_plan's heal overload): after an interrupted save, every bucket that
// differs is rewritten, then the index.
boost::asio::awaitable<result<std::size_t>> save_info(consul::client& c, const std::string& prefix,
                                                      const consul_holdings& held, sync_info& info);

// What an origin finds under its prefix when it cannot trust what it remembers (start-up, or after a save
// that did not complete): the holdings for `buckets` buckets, and the published insights (the buckets the
// index describes; nullopt when no index was published or it does not parse).
struct published_state
{
    consul_holdings holdings;
    std::optional<sync_info> info;  // torn buckets emptied
    std::vector<std::size_t> torn;  // buckets whose content the index does not describe
};
boost::asio::awaitable<result<published_state>> load_published(consul::client& c, const std::string& prefix,
                                                               std::size_t buckets);

}  // namespace vk::sync

#endif
