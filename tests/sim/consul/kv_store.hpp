// consul-sim's KV table: entries, tombstones, lock-delays and the index rules of Consul's state store
// (agent/consul/state/kvs.go). Pure: no I/O; every write is given the raft index it is applied at.
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_KV_STORE_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_KV_STORE_HPP

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csim {

using clock = std::chrono::steady_clock;

// structs.DirEntry.
struct dir_entry
{
    std::string key;
    std::string value;
    std::uint64_t flags = 0;
    std::uint64_t lock_index = 0;
    std::string session;  // "" when unlocked
    std::uint64_t create_index = 0;
    std::uint64_t modify_index = 0;
};

class kv_store
{
public:
    const dir_entry* get(std::string_view key) const;
    // Entries whose key starts with prefix, sorted by key.
    std::vector<const dir_entry*> list(std::string_view prefix) const;
    // Keys under prefix; with a separator each key is cut after the first separator past the prefix.
    std::vector<std::string> keys(std::string_view prefix, std::string_view separator) const;

    // Index of the whole table (max over entries and tombstones); 0 when nothing was ever written.
    std::uint64_t table_index() const { return table_index_; }
    // X-Consul-Index of a single-key read: the key's ModifyIndex, else the table index.
    std::uint64_t key_index(std::string_view key) const;
    // X-Consul-Index of a prefix read: highest ModifyIndex or tombstone under prefix, else the table index.
    std::uint64_t prefix_index(std::string_view prefix) const;

    // Plain PUT: keeps CreateIndex and Session, takes value/flags and LockIndex 0 from the request (as
    // kvsSetTxn does). An entry equal to the stored one is not rewritten (ModifyIndex unchanged).
    const dir_entry& set(std::uint64_t idx, std::string_view key, std::string value, std::uint64_t flags);
    // cas == 0: create only; otherwise only if the key exists with ModifyIndex == cas.
    bool cas(std::uint64_t idx, std::string_view key, std::string value, std::uint64_t flags,
             std::uint64_t cas);
    // acquire=<session>: false when another session holds the key. The caller has checked that the session
    // exists and (for KV PUT, not for txn) that no lock-delay is running, as Consul's KVS.Apply does.
    bool lock(std::uint64_t idx, std::string_view key, std::string value, std::uint64_t flags,
              const std::string& session);
    // release=<session>: false unless the key exists and is held by session.
    bool unlock(std::uint64_t idx, std::string_view key, std::string value, std::uint64_t flags,
                const std::string& session);
    // Returns whether the key existed.
    bool del(std::uint64_t idx, std::string_view key);
    // Deletes only if ModifyIndex == cas; a missing key yields true.
    bool del_cas(std::uint64_t idx, std::string_view key, std::uint64_t cas);
    // Returns the deleted keys.
    std::vector<std::string> del_tree(std::uint64_t idx, std::string_view prefix);

    // Session invalidation: releases (or deletes) every key held by session and starts the lock-delay on
    // them. Returns the affected keys.
    std::vector<std::string> invalidate_session(std::uint64_t idx, const std::string& session,
                                                bool delete_keys, clock::time_point lock_delay_until);
    bool lock_delayed(std::string_view key, clock::time_point now) const;

    // A transaction's all-or-nothing: between begin() and commit() every change records what it replaced
    // (once per key), and rollback() puts that back. Copying the whole table per transaction made a
    // transaction cost as much as the table (a sync info of 512 buckets of 300 KiB each).
    void begin();
    void commit();
    void rollback();

    std::size_t size() const { return entries_.size(); }
    // Value bytes of every write since start (unchanged rewrites included): what clients cost the store.
    std::uint64_t value_bytes_written() const { return value_bytes_written_; }
    void clear();

private:
    dir_entry& store(std::uint64_t idx, dir_entry entry);
    void tombstone(std::uint64_t idx, std::string_view key);
    // Before a key's entry or tombstone changes inside a transaction: keep what it was (first change only).
    void keep(std::string_view key);

    // What a transaction replaced: per key its entry and tombstone before the first change (nullopt: none).
    struct undo_log
    {
        std::map<std::string, std::optional<dir_entry>, std::less<>> entries;
        std::map<std::string, std::optional<std::uint64_t>, std::less<>> tombstones;
        std::uint64_t table_index = 0;
        std::uint64_t value_bytes_written = 0;
    };
    std::optional<undo_log> undo_;

    std::map<std::string, dir_entry, std::less<>> entries_;
    std::map<std::string, std::uint64_t, std::less<>> tombstones_;
    std::uint64_t value_bytes_written_ = 0;
    std::map<std::string, clock::time_point, std::less<>> lock_delays_;
    std::uint64_t table_index_ = 0;
};

}  // namespace csim

#endif
