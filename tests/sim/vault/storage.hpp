// vault-sim's logical storage: an ordered key/value map of plaintext entries. The core encrypts it at rest
// (barrier, AES-GCM under the root key), persists it to --data-dir and streams it into raft snapshots; the
// logical layer (mounts, KV, auth, policies) keeps all of its state here as JSON-encoded entries.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_STORAGE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_STORAGE_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vsim {

class storage
{
public:
    storage() = default;
    // Copies rebuild the internal index (it points into the entries it indexes).
    storage(const storage& other);
    storage& operator=(const storage& other);
    storage(storage&&) = default;
    storage& operator=(storage&&) = default;

    // Returns the value stored at key, if any.
    std::optional<std::string> get(std::string_view key) const;
    // Pointer to the stored value (no copy) or nullptr; valid until the next mutation.
    const std::string* find(std::string_view key) const;
    void put(std::string key, std::string value);
    // Returns true if the key existed.
    bool del(std::string_view key);
    // Immediate children of prefix (which should end with '/' or be empty): leaf names, and folder names
    // with a trailing '/'. Sorted, de-duplicated.
    std::vector<std::string> list(std::string_view prefix) const;
    // Removes every key starting with prefix; returns how many.
    std::size_t del_prefix(std::string_view prefix);

    const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }
    void replace_all(std::map<std::string, std::string, std::less<>> entries);
    std::size_t size() const { return entries_.size(); }
    // Bytes of keys plus values: what a snapshot of this storage weighs before compression.
    std::uint64_t bytes() const { return bytes_; }

    // Called after every mutation (put, del, del_prefix, replace_all): the core persists from here.
    std::function<void()> on_change;
    // Called with each key a put/del/del_prefix touched (before on_change; not for replace_all, which the
    // core handles as a whole) so persistence can journal just the dirty keys instead of rewriting the map.
    std::function<void(std::string_view key)> on_key_change;

private:
    void changed();
    void key_changed(std::string_view key);
    void rebuild_index();
    std::map<std::string, std::string, std::less<>> entries_;
    // Hash index over entries_ (keys view the map's own nodes): point lookups are the hot path of every
    // request and map keys share long prefixes ("logical/<uuid>/..."), which makes tree compares costly.
    std::unordered_map<std::string_view, std::string*> index_;
    std::uint64_t bytes_ = 0;
};

}  // namespace vsim

#endif
