// The background half of a key-encryption key rotation: objects a read opened with a previous key, or found
// wrapped under an older transit key version, are rewritten under the current one (a fresh data key wrapped
// under the latest version), a few per store each cycle (see stores.hpp, rewrite_old_keys).
#include "core/test_point.hpp"
#include "keeper/model/procedure.hpp"
#include "keeper/object_sealer.hpp"
#include "keeper/stores.hpp"

namespace vk::keeper {
namespace asio = boost::asio;

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
            // Read again: the object may have changed (or gone) since the cycle's read.
            auto got = co_await s->get(name);
            if (got && got->old_key)
            {
                test_point("kek-rewrite");
                auto v = co_await s->put(name, std::move(got->data), got->version);
                if (!v)
                {
                    first = first ? first : std::optional<error>(v.error());
                    break;
                }
                if (name == state_object && versions_.count(s->name()))
                    versions_[s->name()] = *v;  // the record's CAS goes on from the rewritten copy
                test_point("kek-rewritten");
            }
            else if (!got && !got.error().is(errc::not_found))
            {
                first = first ? first : std::optional<error>(got.error());
                break;
            }
            old.pop_back();
            ++done;
        }
    }
    if (first)
        co_return *first;
    co_return result<void>();
}

}  // namespace vk::keeper
