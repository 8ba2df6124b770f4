// --data-dir persistence: seal.json (key material outside the barrier) and journal.bin, an append-only log
// of AES-GCM frames under the root key, each holding a batch of puts/deletes; compacted by rewriting.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_JOURNAL_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_JOURNAL_HPP

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "keyring.hpp"
#include "snapshot.hpp"

namespace vsim {

struct persisted_seal
{
    keyring ring;
    std::string cluster_id;
    std::string cluster_name;
};

class journal
{
public:
    explicit journal(std::string dir);

    std::optional<persisted_seal> load_seal() const;
    // Atomic (write to a temporary file, then rename).
    void save_seal(const persisted_seal& seal) const;
    struct loaded
    {
        entry_map entries;
        std::uint64_t raft_index = 0;  // of the last frame, so snapshot indexes never go backwards
    };
    // Replays every frame; nullopt if a frame does not open with root_key. A torn last frame is ignored.
    std::optional<loaded> load_entries(const bytes& root_key) const;
    // Appends one frame with the current value (or deletion) of each dirty key.
    void append(const bytes& root_key, const entry_map& entries,
                const std::set<std::string, std::less<>>& dirty, std::uint64_t raft_index);
    // Replaces the journal with one holding exactly `entries` (compaction, snapshot restore, rekey of data).
    void rewrite(const bytes& root_key, const entry_map& entries, std::uint64_t raft_index);
    // The still-encrypted entries of a force-restored foreign snapshot, kept (already sealed under that
    // cluster's root key) until the first unseal with its keys replaces the journal.
    void save_pending(const entry_map& encrypted) const;
    std::optional<entry_map> load_pending() const;
    void drop_pending() const;
    // True when the log has grown well beyond the live data and should be rewritten.
    bool wants_compaction(std::uint64_t live_bytes) const { return size_ > 2 * live_bytes + (8u << 20); }

private:
    std::string path(const char* name) const { return dir_ + "/" + name; }
    std::string dir_;
    std::uint64_t size_ = 0;
};

}  // namespace vsim

#endif
