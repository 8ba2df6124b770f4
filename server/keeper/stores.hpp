// The configured shard stores, built once per job, and the keeper's access to its objects across them: the
// state record (CAS in the first store that supports it, mirrored to the others; the highest seq wins on
// read) and shard sets spread by their recorded placement.
#ifndef VAULTKEEPER_SERVER_KEEPER_STORES_HPP
#define VAULTKEEPER_SERVER_KEEPER_STORES_HPP

#include "core/secret.hpp"
#include "keeper/model/procedure.hpp"
#include "keeper/model/settings.hpp"
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

    // Every store's check(); the errors of those that failed (none: all usable).
    boost::asio::awaitable<std::vector<error>> check();

    // The record with the highest seq among the stores that answer (an empty record when none holds one).
    // An unreadable record anywhere is an error: it must not be overwritten by a guess.
    boost::asio::awaitable<result<procedure_record>> read_record();
    // CAS against the version last read in the primary, then mirrored; the primary's failure is the error.
    boost::asio::awaitable<result<void>> write_record(const procedure_record& r);

    // Writes shard i of `set` to its store (and the root token to the first store when given).
    boost::asio::awaitable<result<void>> put_set(const shard_set& set, const std::vector<secret>& keys,
                                                 const secret* root_token);
    // The readable shards of a set (index -> key); unreadable ones are skipped.
    boost::asio::awaitable<std::map<int, secret>> read_set(const shard_set& set);
    boost::asio::awaitable<result<secret>> read_root(const std::string& set);
    // Removes every object of `set` from every store.
    boost::asio::awaitable<result<void>> delete_set(const std::string& set);
    // Set ids found in the stores (any object named "<set>-...").
    boost::asio::awaitable<result<std::set<std::string>>> sets_held();
    // Object count per store, for status.
    boost::asio::awaitable<std::map<std::string, std::map<std::string, int>>> counts();

private:
    std::shared_ptr<shard_store> find(const std::string& name) const;

    std::vector<std::shared_ptr<shard_store>> stores_;
    std::string primary_version_;  // of the state record in the primary, as last read or written
};

}  // namespace vk::keeper

#endif
