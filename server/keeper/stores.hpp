// The configured shard stores, built once per job, and the keeper's access to its objects across them: the
// state record (read from every store, the highest seq among the copies that open wins; written by CAS in
// the first usable store and mirrored to the other usable ones) and shard sets spread by their recorded
// placement. Each read of the record reads every store in full and keeps its health: a store that cannot be
// listed or holds an object that does not open is read where it still opens but never written or cleaned.
#ifndef VAULTKEEPER_SERVER_KEEPER_STORES_HPP
#define VAULTKEEPER_SERVER_KEEPER_STORES_HPP

#include "core/secret.hpp"
#include "keeper/model/procedure.hpp"
#include "keeper/model/settings.hpp"
#include "keeper/model/store_health.hpp"
#include "keeper/shard_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace vk::keeper {

std::vector<std::shared_ptr<shard_store>> make_stores(const keeper_settings& s,
                                                      boost::asio::any_io_executor ex);

class store_set
{
public:
    explicit store_set(std::vector<std::shared_ptr<shard_store>> stores);

    const std::vector<std::shared_ptr<shard_store>>& stores() const noexcept { return stores_; }
    std::vector<std::string> names() const;

    // Reads every store in full (a listing, then every object it names, each of which must open) and returns
    // the record chosen by choose_record(); health() holds what it found. bad_response (as choose_record)
    // when no copy opens while a store is unusable.
    boost::asio::awaitable<result<procedure_record>> read_record();
    // Start-up: every store's check() (the directory created, a probe object written and removed, every
    // object opened); the stores that failed, with why.
    boost::asio::awaitable<std::vector<store_health>> check();
    // Marks these stores unusable (a start-up check that failed), keeping a reason the read found first.
    void mark_unusable(const std::vector<store_health>& failed);
    // Each store as the last read found it (empty before the first).
    const std::vector<store_health>& health() const noexcept { return health_; }
    // CAS against the version last read in the first usable store, then mirrored (CAS against the version
    // read there) to the other usable stores; the first store's failure is the error.
    boost::asio::awaitable<result<void>> write_record(const procedure_record& r);

    // Writes shard i of `set` to its store (and the root token to the first store when given), as many as
    // it can: the first failure is the error. A shard placed in an unusable store is not written.
    boost::asio::awaitable<result<void>> put_set(const shard_set& set, const std::vector<secret>& keys,
                                                 const secret* root_token);
    // The readable shards of a set (index -> key); unreadable ones are skipped.
    boost::asio::awaitable<std::map<int, secret>> read_set(const shard_set& set);
    boost::asio::awaitable<result<secret>> read_root(const std::string& set);
    // Removes every object of `set` from every usable store (an unusable store keeps what it holds).
    boost::asio::awaitable<result<void>> delete_set(const std::string& set);
    // Removes the object from every usable store.
    boost::asio::awaitable<result<void>> remove_everywhere(const std::string& name);
    // Set ids found in the usable stores (any object named "<set>-...").
    boost::asio::awaitable<result<std::set<std::string>>> sets_held();
    // Object count per store, for status.
    boost::asio::awaitable<std::map<std::string, std::map<std::string, int>>> counts();

    // Objects each store's last read opened with a previous key-encryption key or found wrapped under an
    // older transit key version (a store not read: none).
    const std::map<std::string, std::vector<std::string>>& old_key_objects() const noexcept
    {
        return old_key_;
    }
    std::size_t old_key_count(const std::string& store) const
    {
        auto it = old_key_.find(store);
        return it == old_key_.end() ? 0 : it->second.size();
    }
    // The lowest transit key version wrapping an object of the store, as its last read found (nullopt: not
    // a transit store, or nothing read).
    std::optional<std::int64_t> lowest_wrap(const std::string& store) const
    {
        auto it = lowest_wrap_.find(store);
        return it == lowest_wrap_.end() ? std::nullopt : std::optional(it->second);
    }
    // Every store's sealer looks at its transit key again, so that the next read knows which wraps are
    // old; the first failure is the error (the others are still refreshed).
    boost::asio::awaitable<result<void>> refresh_sealers();

    // Rewrites up to `per_store` of them in each usable store under its current key (store_rewrite.cpp):
    // read again, then written by CAS against the version read, so a concurrent change wins and the old
    // sealing stays until the new one is durable. The first failure is the error; what was done stays done.
    boost::asio::awaitable<result<void>> rewrite_old_keys(std::size_t per_store);

private:
    std::shared_ptr<shard_store> find(const std::string& name) const;
    bool usable(const shard_store& s) const;
    // One store read in full: its failure or its record copy (the copy's version kept in versions_).
    boost::asio::awaitable<store_reading> read_store(shard_store& s);
    // A transit wrap version an object of `store` is under: keeps the lowest.
    void note_wrap(const std::string& store, std::int64_t version);

    std::vector<std::shared_ptr<shard_store>> stores_;
    std::vector<store_health> health_;
    // The state record's version per store as last read or written ("" absent); a store missing here was
    // not read whole, and its copy is not written.
    std::map<std::string, std::string> versions_;
    std::map<std::string, std::vector<std::string>> old_key_;
    std::map<std::string, std::int64_t> lowest_wrap_;
};

}  // namespace vk::keeper

#endif
