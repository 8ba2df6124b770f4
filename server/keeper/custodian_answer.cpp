// Vault's pgp_keys and answer for a set with custodians. Shares are handled as secrets and never logged.
#include "keeper/custodian_answer.hpp"

#include "async/blocking.hpp"
#include "core/base64.hpp"
#include "keeper/keeper_core.hpp"

#include <algorithm>

namespace vk::keeper {

std::vector<custodian_share> configured_custodians(const keeper_settings& s)
{
    std::vector<custodian_share> out;
    for (const auto& c : s.custodians)
        out.push_back({c.name, c.key.fingerprint, "", "", 0, 0});
    return out;
}

result<std::vector<std::string>> pgp_keys_of(const shard_set& set, const keeper_settings& s,
                                             const procedure_key& own)
{
    std::vector<std::string> theirs;
    for (const auto& c : set.custodians)
    {
        auto it = std::find_if(s.custodians.begin(), s.custodians.end(),
                               [&](const custodian_settings& x) { return x.name == c.name; });
        if (it == s.custodians.end() || it->key.fingerprint != c.fingerprint)
            return make_error(errc::invalid_argument, "custodian " + c.name + " of " + set.id +
                                                          " is no longer configured with the same key");
        theirs.push_back(base64_encode(it->key.binary));
    }
    return pgp_keys_for(static_cast<int>(set.placement.size()), base64_encode(own.public_key()), theirs);
}

result<std::vector<secret>> open_answer(shard_set& set, const std::vector<secret>& keys_base64,
                                        const procedure_key* own)
{
    std::size_t stores = set.placement.size();
    if (keys_base64.size() != stores + set.custodians.size())
        return make_error(errc::bad_response, "Vault answered " + std::to_string(keys_base64.size()) +
                                                  " keys for a set of " + std::to_string(set.shares));
    if (set.custodians.empty())
        return keys_base64;
    if (!own)
        return make_error(errc::bad_response, "the keeper's key of " + set.id + " was lost (a restart)");
    std::vector<secret> out;
    for (std::size_t i = 0; i < stores; ++i)
    {
        auto message = base64_decode(keys_base64[i].reveal());
        if (!message)
            return make_error(errc::bad_response,
                              "Vault's encrypted share " + std::to_string(i) + " is not base64");
        auto plain = own->decrypt(*message);
        if (!plain)
            return plain.error();
        auto share = share_from_pgp_plaintext(plain->reveal());
        if (!share)
            return share.error();
        out.emplace_back(std::move(*share));
    }
    for (std::size_t j = 0; j < set.custodians.size(); ++j)
        set.custodians[j].message = keys_base64[stores + j].reveal();
    return out;
}

namespace {

void drop_procedure_key(keeper_core& core)
{
    core.key.reset();
    core.key_set.clear();
}

}  // namespace

boost::asio::awaitable<result<std::vector<std::string>>> make_procedure_key(keeper_core& core,
                                                                            const shard_set& set)
{
    drop_procedure_key(core);
    if (set.custodians.empty())
        co_return std::vector<std::string>{};
    result<std::unique_ptr<procedure_key>> k = make_error(errc::internal, "no key made");
    co_await run_blocking([&] { k = procedure_key::generate(); });
    if (!k)
        co_return k.error();
    core.key = std::move(*k);
    core.key_set = set.id;
    co_return pgp_keys_of(set, *core.settings, *core.key);
}

boost::asio::awaitable<result<std::vector<secret>>> open_answer_on_pool(keeper_core& core, shard_set& set,
                                                                        const std::vector<secret>& answer)
{
    result<std::vector<secret>> keys = make_error(errc::internal, "not opened");
    const procedure_key* own = core.key.get();
    co_await run_blocking([&] { keys = open_answer(set, answer, own); });
    drop_procedure_key(core);
    co_return keys;
}

}  // namespace vk::keeper
