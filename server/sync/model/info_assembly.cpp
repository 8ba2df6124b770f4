// Assembling the info key by key; from_kv and holdings_from_kv are the same assembly over a lookup.
#include "sync/model/info_assembly.hpp"

#include "sync/model/bucket_json.hpp"
#include "sync/model/go_format.hpp"

#include <algorithm>

namespace vk::sync {

info_assembly::info_assembly(std::string_view prefix, const std::string* index_json,
                             std::size_t holding_buckets)
    : prefix_(prefix)
{
    const auto ikey = index_key(prefix);
    index_absent_ = !index_json;
    if (!index_json)
        index_error_ = make_error(errc::not_found, "sync index is missing", {}, ikey);
    else if (auto decoded = decode_index(*index_json, ikey); !decoded)
        index_error_ = decoded.error();
    else if (auto info = sync_info::create(decoded->size()); !info)
        index_error_ = info.error();
    else
    {
        holdings_.index = *decoded;
        read_index_ = std::move(*decoded);
        info_ = std::move(*info);
    }
    holdings_.buckets.resize(holding_buckets == index_length ? read_index_.size() : holding_buckets);
}

std::size_t info_assembly::keys() const
{
    return std::max(read_index_.size(), holdings_.buckets.size());
}

void info_assembly::fail(std::size_t i, error e)
{
    if (!first_bucket_error_ || i < first_bucket_error_->first)
        first_bucket_error_.emplace(i, std::move(e));
}

void info_assembly::add(std::size_t i, const std::string* json)
{
    const bool in_info = info_ && i < read_index_.size();
    const auto key = bucket_key(prefix_, i);
    if (!json)
    {
        if (in_info)
            fail(i, make_error(errc::not_found, "sync bucket is missing", {}, key));
        return;
    }
    auto b = decode_bucket(*json, key);
    if (!b)
    {
        if (in_info)
            fail(i, b.error());
        return;
    }
    // Hashed as each bucket arrives (once: the holdings take the info's hash), not all at the end: a
    // reader's event loop so never hashes a million entries in one go.
    if (in_info)
    {
        info_->set_bucket(i, std::move(*b));
        info_->reindex_bucket(i);
        if (i < holdings_.buckets.size())
            holdings_.buckets[i] = info_->index()[i];
    }
    else if (i < holdings_.buckets.size())
        holdings_.buckets[i] = bucket_hash(*b);
}

result<loaded_info> info_assembly::take_info()
{
    if (index_error_)
        return *index_error_;
    if (first_bucket_error_)
        return first_bucket_error_->second;
    loaded_info out{std::move(*info_), std::move(read_index_), {}};
    out.torn = torn_buckets(out.info, out.read_index);
    return out;
}

result<loaded_info> from_kv(std::string_view prefix, const kv_lookup& lookup)
{
    info_assembly a(prefix, lookup(index_key(prefix)));
    for (std::size_t i = 0; i < a.keys(); ++i)
        a.add(i, lookup(bucket_key(prefix, i)));
    return a.take_info();
}

consul_holdings holdings_from_kv(std::string_view prefix, const kv_lookup& lookup, std::size_t buckets)
{
    info_assembly a(prefix, lookup(index_key(prefix)), buckets);
    for (std::size_t i = 0; i < a.keys(); ++i)
        a.add(i, lookup(bucket_key(prefix, i)));
    return a.take_holdings();
}

}  // namespace vk::sync
