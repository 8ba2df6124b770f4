// consul-sim's KV table (see kv_store.hpp for the rules it follows).
#include "kv_store.hpp"

#include <algorithm>

namespace csim {

namespace {

// DirEntry.Equal: what decides whether a write is skipped.
bool same_content(const dir_entry& a, const dir_entry& b)
{
    return a.lock_index == b.lock_index && a.flags == b.flags && a.value == b.value && a.session == b.session;
}

}  // namespace

const dir_entry* kv_store::get(std::string_view key) const
{
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
}

std::vector<const dir_entry*> kv_store::list(std::string_view prefix) const
{
    std::vector<const dir_entry*> out;
    for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.starts_with(prefix); ++it)
        out.push_back(&it->second);
    return out;
}

std::vector<std::string> kv_store::keys(std::string_view prefix, std::string_view separator) const
{
    std::vector<std::string> out;
    for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.starts_with(prefix); ++it)
    {
        std::string_view key = it->first;
        if (!separator.empty())
        {
            auto cut = key.find(separator, prefix.size());
            if (cut != std::string_view::npos)
                key = key.substr(0, cut + separator.size());
        }
        // Keys are sorted, so a cut key repeats only right after itself.
        if (out.empty() || out.back() != key)
            out.emplace_back(key);
    }
    return out;
}

std::uint64_t kv_store::key_index(std::string_view key) const
{
    auto* e = get(key);
    return e ? e->modify_index : table_index_;
}

std::uint64_t kv_store::prefix_index(std::string_view prefix) const
{
    if (prefix.empty())
        return table_index_;
    std::uint64_t idx = 0;
    for (auto* e : list(prefix))
        idx = std::max(idx, e->modify_index);
    for (auto it = tombstones_.lower_bound(prefix); it != tombstones_.end() && it->first.starts_with(prefix);
         ++it)
        idx = std::max(idx, it->second);
    return idx != 0 ? idx : table_index_;
}

void kv_store::begin()
{
    undo_.emplace();
    undo_->table_index = table_index_;
    undo_->value_bytes_written = value_bytes_written_;
}

void kv_store::commit()
{
    undo_.reset();
}

void kv_store::rollback()
{
    if (!undo_)
        return;
    for (auto& [key, before] : undo_->entries)
    {
        if (before)
            entries_.insert_or_assign(key, std::move(*before));
        else
            entries_.erase(key);
    }
    for (auto& [key, before] : undo_->tombstones)
    {
        if (before)
            tombstones_.insert_or_assign(key, *before);
        else
            tombstones_.erase(key);
    }
    table_index_ = undo_->table_index;
    value_bytes_written_ = undo_->value_bytes_written;
    undo_.reset();
}

void kv_store::keep(std::string_view key)
{
    if (!undo_ || undo_->entries.contains(key))
        return;
    const auto* e = get(key);
    undo_->entries.emplace(std::string(key), e ? std::optional<dir_entry>(*e) : std::nullopt);
    auto t = tombstones_.find(key);
    undo_->tombstones.emplace(
        std::string(key), t == tombstones_.end() ? std::nullopt : std::optional<std::uint64_t>(t->second));
}

dir_entry& kv_store::store(std::uint64_t idx, dir_entry entry)
{
    keep(entry.key);
    value_bytes_written_ += entry.value.size();
    auto it = entries_.find(entry.key);
    if (it != entries_.end())
    {
        entry.create_index = it->second.create_index;
        // Unchanged content: Consul skips the write, so ModifyIndex and the table index stay.
        if (same_content(it->second, entry))
            return it->second;
        entry.modify_index = idx;
        it->second = std::move(entry);
        table_index_ = std::max(table_index_, idx);
        return it->second;
    }
    entry.create_index = idx;
    entry.modify_index = idx;
    table_index_ = std::max(table_index_, idx);
    auto key = entry.key;
    return entries_.emplace(std::move(key), std::move(entry)).first->second;
}

const dir_entry& kv_store::set(std::uint64_t idx, std::string_view key, std::string value,
                               std::uint64_t flags)
{
    auto* existing = get(key);
    dir_entry e{std::string(key), std::move(value), flags, 0, existing ? existing->session : "", 0, 0};
    return store(idx, std::move(e));
}

bool kv_store::cas(std::uint64_t idx, std::string_view key, std::string value, std::uint64_t flags,
                   std::uint64_t cas_index)
{
    auto* existing = get(key);
    if (cas_index == 0 ? existing != nullptr : (!existing || existing->modify_index != cas_index))
        return false;
    set(idx, key, std::move(value), flags);
    return true;
}

bool kv_store::lock(std::uint64_t idx, std::string_view key, std::string value, std::uint64_t flags,
                    const std::string& session)
{
    auto* existing = get(key);
    std::uint64_t lock_index = 1;
    if (existing && existing->session == session)
        lock_index = existing->lock_index;
    else if (existing && !existing->session.empty())
        return false;
    else if (existing)
        lock_index = existing->lock_index + 1;
    store(idx, dir_entry{std::string(key), std::move(value), flags, lock_index, session, 0, 0});
    return true;
}

bool kv_store::unlock(std::uint64_t idx, std::string_view key, std::string value, std::uint64_t flags,
                      const std::string& session)
{
    auto* existing = get(key);
    if (!existing || existing->session != session)
        return false;
    store(idx, dir_entry{std::string(key), std::move(value), flags, existing->lock_index, "", 0, 0});
    return true;
}

void kv_store::tombstone(std::uint64_t idx, std::string_view key)
{
    keep(key);
    tombstones_[std::string(key)] = idx;
    table_index_ = std::max(table_index_, idx);
}

bool kv_store::del(std::uint64_t idx, std::string_view key)
{
    auto it = entries_.find(key);
    if (it == entries_.end())
        return false;
    keep(key);
    entries_.erase(it);
    tombstone(idx, key);
    return true;
}

bool kv_store::del_cas(std::uint64_t idx, std::string_view key, std::uint64_t cas_index)
{
    auto* existing = get(key);
    if (!existing)
        return true;
    if (existing->modify_index != cas_index)
        return false;
    return del(idx, key);
}

std::vector<std::string> kv_store::del_tree(std::uint64_t idx, std::string_view prefix)
{
    std::vector<std::string> deleted;
    auto it = entries_.lower_bound(prefix);
    while (it != entries_.end() && it->first.starts_with(prefix))
    {
        deleted.push_back(it->first);
        keep(it->first);
        tombstone(idx, it->first);
        it = entries_.erase(it);
    }
    return deleted;
}

std::vector<std::string> kv_store::invalidate_session(std::uint64_t idx, const std::string& session,
                                                      bool delete_keys, clock::time_point lock_delay_until)
{
    std::vector<std::string> held;
    for (auto& [key, e] : entries_)
        if (e.session == session)
            held.push_back(key);
    for (auto& key : held)
    {
        lock_delays_[key] = lock_delay_until;
        if (delete_keys)
        {
            del(idx, key);
            continue;
        }
        auto& e = entries_.find(key)->second;
        dir_entry released = e;
        released.session.clear();
        store(idx, std::move(released));
    }
    return held;
}

bool kv_store::lock_delayed(std::string_view key, clock::time_point now) const
{
    auto it = lock_delays_.find(key);
    return it != lock_delays_.end() && now < it->second;
}

void kv_store::clear()
{
    undo_.reset();
    // The table index stays: clients must never see the index go backwards.
    entries_.clear();
    tombstones_.clear();
    lock_delays_.clear();
}

}  // namespace csim
