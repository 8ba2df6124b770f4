// vault-sim's plaintext ordered key/value map (see storage.hpp); persistence hooks in through on_change.
#include "storage.hpp"

#include <algorithm>

namespace vsim {

storage::storage(const storage& other)
    : on_change(other.on_change),
      on_key_change(other.on_key_change),
      entries_(other.entries_)
{
    rebuild_index();
}

storage& storage::operator=(const storage& other)
{
    if (this != &other)
    {
        on_change = other.on_change;
        on_key_change = other.on_key_change;
        entries_ = other.entries_;
        rebuild_index();
    }
    return *this;
}

std::optional<std::string> storage::get(std::string_view key) const
{
    if (const auto* v = find(key))
        return *v;
    return std::nullopt;
}

const std::string* storage::find(std::string_view key) const
{
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : it->second;
}

void storage::put(std::string key, std::string value)
{
    if (const auto it = index_.find(key); it != index_.end())
    {
        bytes_ = bytes_ - it->second->size() + value.size();
        *it->second = std::move(value);
        key_changed(it->first);
    }
    else
    {
        bytes_ += key.size() + value.size();
        const auto pos = entries_.emplace(std::move(key), std::move(value)).first;
        index_.emplace(pos->first, &pos->second);
        key_changed(pos->first);
    }
    changed();
}

bool storage::del(std::string_view key)
{
    const auto it = entries_.find(key);
    if (it == entries_.end())
        return false;
    bytes_ -= it->first.size() + it->second.size();
    key_changed(it->first);
    index_.erase(it->first);
    entries_.erase(it);
    changed();
    return true;
}

std::vector<std::string> storage::list(std::string_view prefix) const
{
    std::vector<std::string> out;
    // Keys are ordered, so every key under prefix is in one contiguous range starting at lower_bound(prefix).
    for (auto it = entries_.lower_bound(prefix); it != entries_.end(); ++it)
    {
        const std::string_view key = it->first;
        if (key.substr(0, prefix.size()) != prefix)
            break;
        const auto rest = key.substr(prefix.size());
        const auto slash = rest.find('/');
        std::string child{slash == std::string_view::npos ? rest : rest.substr(0, slash + 1)};
        if (child.empty())
            continue;
        if (out.empty() || out.back() != child)
            out.push_back(std::move(child));
    }
    // Folder names ("a/") and leaves ("a-b") can interleave out of order in key order, so sort and dedupe.
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::size_t storage::del_prefix(std::string_view prefix)
{
    std::size_t n = 0;
    auto it = entries_.lower_bound(prefix);
    while (it != entries_.end() && std::string_view{it->first}.substr(0, prefix.size()) == prefix)
    {
        bytes_ -= it->first.size() + it->second.size();
        key_changed(it->first);
        index_.erase(it->first);
        it = entries_.erase(it);
        ++n;
    }
    if (n > 0)
        changed();
    return n;
}

void storage::replace_all(std::map<std::string, std::string, std::less<>> entries)
{
    entries_ = std::move(entries);
    rebuild_index();
    changed();
}

void storage::rebuild_index()
{
    index_.clear();
    index_.reserve(entries_.size());
    bytes_ = 0;
    for (auto& [k, v] : entries_)
    {
        index_.emplace(k, &v);
        bytes_ += k.size() + v.size();
    }
}

void storage::key_changed(std::string_view key)
{
    if (on_key_change)
        on_key_change(key);
}

void storage::changed()
{
    if (on_change)
        on_change();
}

}  // namespace vsim
