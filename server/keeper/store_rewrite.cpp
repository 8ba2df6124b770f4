// The background half of a key-encryption key rotation: objects a read opened with a previous key, or found
// wrapped under an older transit key version, are resealed under the current one (an envelope rewrapped:
// its data key moved to the latest version by the transit Vault), a few per store each cycle (see
// stores.hpp, rewrite_old_keys, and shard_store.hpp, reseal).
#include "core/test_point.hpp"
#include "keeper/model/procedure.hpp"
#include "keeper/object_sealer.hpp"
#include "keeper/stores.hpp"

namespace vk::keeper {
namespace asio = boost::asio;

asio::awaitable<result<std::optional<std::string>>> reseal(shard_store& s, std::string name)
{
    const auto sealer = s.sealer();
    if (!sealer)
    {
        // Sealed by the service or not at all: read and written again.
        auto got = co_await s.get(name);
        if (!got && got.error().is(errc::not_found))
            co_return std::nullopt;
        if (!got)
            co_return got.error();
        if (!got->old_key)
            co_return std::nullopt;
        auto v = co_await s.put(name, std::move(got->data), got->version);
        if (!v)
            co_return v.error();
        co_return std::optional(std::move(*v));
    }
    auto raw = co_await s.get_raw(name);
    if (!raw && raw.error().is(errc::not_found))
        co_return std::nullopt;
    if (!raw)
        co_return raw.error();
    auto again = co_await sealer->reseal(name, std::move(raw->bytes));
    if (!again)
        co_return again.error();
    if (!*again)
        co_return std::nullopt;
    auto v = co_await s.put_raw(name, std::move(**again), raw->version);
    if (!v)
        co_return v.error();
    co_return std::optional(std::move(*v));
}

void store_set::note_wrap(const std::string& store, std::int64_t version)
{
    auto [it, fresh] = lowest_wrap_.emplace(store, version);
    if (!fresh)
        it->second = std::min(it->second, version);
}

asio::awaitable<result<void>> store_set::refresh_sealers()
{
    std::optional<error> first;
    for (const auto& s : stores_)
        if (auto sealer = s->sealer())
            if (auto r = co_await sealer->refresh(); !r && !first)
                first = r.error();
    if (first)
        co_return *first;
    co_return result<void>();
}

asio::awaitable<result<void>> store_set::rewrite_old_keys(std::size_t per_store)
{
    std::optional<error> first;
    for (const auto& s : stores_)
    {
        auto& old = old_key_[s->name()];
        if (!usable(*s))
            continue;  // never written while unusable
        std::size_t done = 0;
        while (!old.empty() && done < per_store)
        {
            std::string name = old.back();
            // Read again by reseal: the object may have changed (or gone) since the cycle's read.
            test_point("kek-rewrite");
            auto v = co_await reseal(*s, name);
            if (!v)
            {
                first = first ? first : std::optional<error>(v.error());
                break;
            }
            if (*v && name == state_object && versions_.count(s->name()))
                versions_[s->name()] = **v;  // the record's CAS goes on from the rewritten copy
            if (*v)
                test_point("kek-rewritten");
            old.pop_back();
            ++done;
        }
    }
    if (first)
        co_return *first;
    co_return result<void>();
}

}  // namespace vk::keeper
