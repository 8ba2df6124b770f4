// The memory of values to hide and the redaction of text by covered byte ranges.
#include "emissary/model/redaction.hpp"

#include <algorithm>

namespace vk::emissary {
namespace {

void sort_unique(std::vector<std::string>& v)
{
    std::erase_if(v, [](const std::string& s) { return s.empty(); });
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Marks every byte of `text` that belongs to an occurrence of a value (occurrences may overlap).
std::vector<char> cover(std::string_view text, const std::vector<std::string>& values)
{
    std::vector<char> covered(text.size(), 0);
    for (const auto& v : values)
    {
        if (v.empty())
            continue;
        for (auto at = text.find(v); at != std::string_view::npos; at = text.find(v, at + 1))
            std::fill_n(covered.begin() + static_cast<std::ptrdiff_t>(at), v.size(), 1);
    }
    return covered;
}

// The length of the longest tail of `text` that is the start (not the whole) of a value.
std::size_t longest_started_tail(std::string_view text, const std::vector<std::string>& values)
{
    std::size_t longest = 0;
    for (const auto& v : values)
    {
        const std::size_t most = std::min(v.size() - std::min<std::size_t>(v.size(), 1), text.size());
        for (std::size_t n = most; n > longest; --n)
            if (text.substr(text.size() - n) == std::string_view(v).substr(0, n))
            {
                longest = n;
                break;
            }
    }
    return longest;
}

}  // namespace

secret_memory::secret_memory(std::size_t depth, std::size_t max_references)
    : depth_(std::max<std::size_t>(depth, 1)),
      max_references_(std::max<std::size_t>(max_references, 1))
{
}

void secret_memory::remember(const std::string& reference, std::vector<std::string> values)
{
    sort_unique(values);
    if (values.empty())
        return;
    if (!by_reference_.contains(reference) && by_reference_.size() >= max_references_)
        forget_oldest_reference();
    auto& e = by_reference_[reference];
    e.seen = ++clock_;
    if (!e.sets.empty() && e.sets.back() == values)
        return;
    auto known = std::find(e.sets.begin(), e.sets.end(), values);
    if (known != e.sets.end())
        e.sets.erase(known);  // seen before: it only becomes the most recent again
    e.sets.push_back(std::move(values));
    if (e.sets.size() > depth_)
        e.sets.erase(e.sets.begin());
    stale_ = true;
}

void secret_memory::forget_oldest_reference()
{
    auto oldest =
        std::min_element(by_reference_.begin(), by_reference_.end(),
                         [](const auto& a, const auto& b) { return a.second.seen < b.second.seen; });
    by_reference_.erase(oldest);
    stale_ = true;
}

const std::vector<std::string>& secret_memory::values() const
{
    if (stale_)
        rebuild();
    return all_;
}

void secret_memory::rebuild() const
{
    stale_ = false;
    all_.clear();
    for (const auto& [reference, e] : by_reference_)
        for (const auto& set : e.sets)
            all_.insert(all_.end(), set.begin(), set.end());
    sort_unique(all_);
}

std::string redact(std::string_view text, const std::vector<std::string>& values)
{
    return redact_and_cap(text, values, std::string::npos, true);
}

std::string redact_and_cap(std::string_view text, const std::vector<std::string>& values, std::size_t cap,
                           bool whole)
{
    auto covered = cover(text, values);
    if (!whole)
    {
        const auto tail = static_cast<std::ptrdiff_t>(longest_started_tail(text, values));
        std::fill(covered.end() - tail, covered.end(), 1);
    }
    std::string out;
    bool cut = !whole;
    for (std::size_t i = 0; i < text.size();)
    {
        std::size_t end = i;
        while (end < text.size() && covered[end] == covered[i])
            ++end;
        const std::string_view piece = covered[i] ? redacted_marker : text.substr(i, end - i);
        if (out.size() + piece.size() > cap)
        {
            if (!covered[i])  // plain text belongs to no value: cutting it splits no secret
                out.append(piece.substr(0, cap - out.size()));
            cut = true;
            break;
        }
        out.append(piece);
        i = end;
    }
    if (cut)
        out.append(truncated_note);
    return out;
}

}  // namespace vk::emissary
