// The compact bucket: appended puts, sorted lazily; an arena compacted when mostly garbage.
#include "sync/model/bucket.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace vk::sync {

bucket::bucket(std::initializer_list<std::pair<std::string_view, insight>> entries)
{
    for (const auto& [path, in] : entries)
        put(path, in);
}

bucket::entry bucket::append(std::string_view path, insight_view in)
{
    // Callers validate lengths (max_insight_text) where the text comes from outside: reaching these is a bug.
    if (in.update_time.size() > max_insight_text || in.type.size() > max_insight_text ||
        path.size() > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("sync bucket: insight text too long");
    if (arena_.size() + path.size() + in.update_time.size() + in.type.size() >
        std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("sync bucket: arena above 4 GiB");
    entry e;
    e.version = in.version;
    e.at = static_cast<std::uint32_t>(arena_.size());
    e.path_len = static_cast<std::uint32_t>(path.size());
    e.time_len = static_cast<std::uint16_t>(in.update_time.size());
    e.type_len = static_cast<std::uint16_t>(in.type.size());
    arena_.append(path);
    arena_.append(in.update_time);
    arena_.append(in.type);
    return e;
}

bucket::value_type bucket::entry_at(std::size_t i) const
{
    const entry& e = entries_[i];
    const char* p = arena_.data() + e.at;
    return {std::string_view(p, e.path_len),
            insight_view(e.version, std::string_view(p + e.path_len, e.time_len),
                         std::string_view(p + e.path_len + e.time_len, e.type_len))};
}

void bucket::settle() const
{
    if (sorted_ == entries_.size())
        return;
    const auto less = [this](const entry& a, const entry& b) { return path_of(a) < path_of(b); };
    const auto mid = entries_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    // Stable: of two puts of one path, the later stays behind the earlier, and the merge keeps the sorted
    // part's entry ahead of the pending one.
    std::stable_sort(mid, entries_.end(), less);
    std::inplace_merge(entries_.begin(), mid, entries_.end(), less);
    // Keep the last of each run of equal paths (the latest put).
    std::size_t out = 0;
    for (std::size_t i = 0; i < entries_.size(); ++i)
    {
        if (i + 1 < entries_.size() && path_of(entries_[i]) == path_of(entries_[i + 1]))
        {
            const entry& dead = entries_[i];
            garbage_ += dead.path_len + dead.time_len + dead.type_len;
            continue;
        }
        entries_[out++] = entries_[i];
    }
    entries_.resize(out);
    sorted_ = out;
    if (garbage_ * 2 > arena_.size())
        compact();
}

void bucket::compact() const
{
    std::string fresh;
    fresh.reserve(arena_.size() - garbage_);
    for (auto& e : entries_)
    {
        const std::size_t len = std::size_t{e.path_len} + e.time_len + e.type_len;
        const auto at = static_cast<std::uint32_t>(fresh.size());
        fresh.append(arena_, e.at, len);
        e.at = at;
    }
    arena_ = std::move(fresh);
    garbage_ = 0;
}

std::size_t bucket::size() const
{
    settle();
    return entries_.size();
}

bucket::const_iterator bucket::begin() const
{
    settle();
    return {this, 0};
}

bucket::const_iterator bucket::end() const
{
    settle();
    return {this, entries_.size()};
}

std::size_t bucket::lower_bound(std::string_view path) const
{
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), path,
                                     [this](const entry& e, std::string_view p) { return path_of(e) < p; });
    return static_cast<std::size_t>(it - entries_.begin());
}

std::optional<insight_view> bucket::find(std::string_view path) const
{
    settle();
    const std::size_t i = lower_bound(path);
    if (i == entries_.size() || path_of(entries_[i]) != path)
        return std::nullopt;
    return entry_at(i).second;
}

bool bucket::put(std::string_view path, insight_view in)
{
    if (sorted_ == entries_.size())
    {
        const std::size_t i = lower_bound(path);
        if (i < entries_.size() && path_of(entries_[i]) == path && entry_at(i).second == in)
            return false;
    }
    push_back(path, in);
    return true;
}

void bucket::push_back(std::string_view path, insight_view in)
{
    const bool in_order = sorted_ == entries_.size() && (entries_.empty() || path_of(entries_.back()) < path);
    entries_.push_back(append(path, in));
    if (in_order)
        sorted_ = entries_.size();
}

bool bucket::remove(std::string_view path)
{
    settle();
    const std::size_t i = lower_bound(path);
    if (i == entries_.size() || path_of(entries_[i]) != path)
        return false;
    const entry& e = entries_[i];
    garbage_ += e.path_len + e.time_len + e.type_len;
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    sorted_ = entries_.size();
    return true;
}

void bucket::reserve(std::size_t entries, std::size_t text)
{
    entries_.reserve(entries);
    arena_.reserve(text);
}

void bucket::shrink_to_fit()
{
    settle();
    if (garbage_ > 0)
        compact();
    if ((entries_.capacity() - entries_.size()) * 8 > entries_.capacity())
        entries_.shrink_to_fit();
    if ((arena_.capacity() - arena_.size()) * 8 > arena_.capacity())
        arena_.shrink_to_fit();
}

std::size_t bucket::text_bytes() const
{
    settle();
    return arena_.size() - garbage_;
}

std::size_t bucket::heap_bytes() const
{
    return entries_.capacity() * sizeof(entry) + arena_.capacity();
}

bool bucket::operator==(const bucket& o) const
{
    if (size() != o.size())
        return false;
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (entry_at(i) != o.entry_at(i))
            return false;
    return true;
}

}  // namespace vk::sync
