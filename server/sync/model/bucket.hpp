// A bucket of insights keyed by origin data path, stored compactly: one byte arena holding every path,
// updateTime and type, and a vector of fixed-size entries sorted by path. A million secrets so cost about
// 24 bytes plus their text each, where a std::map of strings cost over 200.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_BUCKET_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_BUCKET_HPP

#include "sync/model/insight.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vk::sync {

// The longest updateTime or type a bucket stores (decoders and the walk reject longer ones, naming the path).
inline constexpr std::size_t max_insight_text = 65535;

// Iteration is in bytewise (char_traits) path order, which is Go's sorted map order: the JSON encoding and
// the fmt.Sprint index hash rely on it. Puts of new paths are appended and sorted on the next read (a walk
// puts paths in any order; inserting each in place would move half the bucket every time), so the
// views and iterators a bucket hands out are valid until it is next changed. Not thread-safe, not even
// for concurrent reads (a read may sort pending puts).
class bucket
{
public:
    using value_type = std::pair<std::string_view, insight_view>;

    class const_iterator
    {
    public:
        using value_type = bucket::value_type;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;
        struct arrow
        {
            value_type v;
            const value_type* operator->() const { return &v; }
        };

        const_iterator() = default;
        value_type operator*() const { return b_->entry_at(i_); }
        arrow operator->() const { return {b_->entry_at(i_)}; }
        const_iterator& operator++()
        {
            ++i_;
            return *this;
        }
        const_iterator operator++(int)
        {
            auto old = *this;
            ++i_;
            return old;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
        friend class bucket;
        const_iterator(const bucket* b, std::size_t i)
            : b_(b),
              i_(i)
        {
        }
        const bucket* b_ = nullptr;
        std::size_t i_ = 0;
    };

    bucket() = default;
    bucket(std::initializer_list<std::pair<std::string_view, insight>> entries);

    std::size_t size() const;
    bool empty() const { return size() == 0; }
    const_iterator begin() const;
    const_iterator end() const;

    std::optional<insight_view> find(std::string_view path) const;
    bool contains(std::string_view path) const { return find(path).has_value(); }

    // Inserts or overwrites. false when the path already held exactly this insight (nothing changed); a
    // put into a bucket with puts still unsorted reports true without looking.
    bool put(std::string_view path, insight_view in);
    // Appends an entry whose path sorts after every path put so far (a decoder reading Go's sorted JSON);
    // out of order, it is an ordinary put.
    void push_back(std::string_view path, insight_view in);
    // true when the path was present.
    bool remove(std::string_view path);

    // Room for `entries` entries holding `text` bytes of paths, update times and types in all.
    void reserve(std::size_t entries, std::size_t text);
    // Gives back what the entries and the arena hold beyond their size when that is more than an eighth.
    void shrink_to_fit();
    // Bytes of path, update time and type text the entries hold (what reserve() takes as `text`).
    std::size_t text_bytes() const;

    // Bytes this bucket holds on the heap (entries and arena capacity): for the memory figures.
    std::size_t heap_bytes() const;

    bool operator==(const bucket& o) const;

private:
    // 24 bytes: the arena holds path, update_time and type back to back from `at`.
    struct entry
    {
        std::int64_t version = 0;
        std::uint32_t at = 0;
        std::uint32_t path_len = 0;
        std::uint16_t time_len = 0;
        std::uint16_t type_len = 0;
    };

    value_type entry_at(std::size_t i) const;
    std::string_view path_of(const entry& e) const { return {arena_.data() + e.at, e.path_len}; }
    entry append(std::string_view path, insight_view in);
    std::size_t lower_bound(std::string_view path) const;
    // Sorts the pending puts into place (a later put of a path wins) and compacts the arena when more
    // than half of it is text no entry uses.
    void settle() const;
    void compact() const;

    mutable std::vector<entry> entries_;
    mutable std::string arena_;
    mutable std::size_t sorted_ = 0;   // entries_[0, sorted_) are sorted and unique
    mutable std::size_t garbage_ = 0;  // arena bytes no entry uses
};

}  // namespace vk::sync

#endif
