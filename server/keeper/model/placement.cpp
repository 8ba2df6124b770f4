#include "keeper/model/placement.hpp"

namespace vk::keeper {
namespace {

std::string count(int n, const char* what)
{
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string none_left_for_stores(int custodians, int shares)
{
    return count(custodians, "custodian") + " take all " + std::to_string(shares) +
           " shares and leave none for the stores";
}

// Whether `stores` stores holding `pool` shards round-robin keep both store rules for `threshold`.
bool stores_hold(int pool, int threshold, int stores) noexcept
{
    int most = max_shards_per_store(pool, stores);
    return pool >= 1 && most < threshold && pool - most >= threshold;
}

// The smallest changes of one count that would keep both store rules, for the operator's message.
std::string what_would_hold(const placement_counts& c)
{
    std::vector<std::string> ways;
    int pool = c.shares - c.custodians;
    for (int s = c.stores + 1; s <= pool; ++s)
        if (stores_hold(pool, c.threshold, s))
        {
            ways.push_back(std::to_string(s) + " stores");
            break;
        }
    for (int n = c.shares + 1; n <= 255 && c.stores > 0; ++n)
        if (stores_hold(n - c.custodians, c.threshold, c.stores))
        {
            ways.push_back("secret_shares " + std::to_string(n));
            break;
        }
    for (int t = 1; t <= pool; ++t)
        if (t != c.threshold && stores_hold(pool, t, c.stores))
        {
            ways.push_back("secret_threshold " + std::to_string(t));
            break;
        }
    if (ways.empty())
        return "more stores and shares are needed";
    std::string out = "this would hold with ";
    for (std::size_t i = 0; i < ways.size(); ++i)
        out += (i == 0 ? "" : i + 1 == ways.size() ? " or " : ", ") + ways[i];
    return out;
}

void check_stores(const placement_counts& c, std::vector<placement_problem>& out)
{
    int pool = c.shares - c.custodians;
    if (pool < 1)
    {
        out.push_back({placement_key::custodians, -1,
                       none_left_for_stores(c.custodians, c.shares) + ": raise secret_shares"});
        return;
    }
    std::string held =
        std::to_string(c.stores) + " store(s) for " + std::to_string(pool) + " shares" +
        (c.custodians > 0 ? " (" + std::to_string(c.shares) + " minus one per custodian)" : "");
    int most = max_shards_per_store(pool, c.stores);
    if (most >= c.threshold)
        out.push_back({placement_key::stores, -1,
                       held + " would put " + std::to_string(most) +
                           " shards in one store, enough to reach the threshold of " +
                           std::to_string(c.threshold) + "; " + what_would_hold(c)});
    if (pool - most < c.threshold)
        out.push_back({placement_key::stores, -1,
                       held + " leave " + std::to_string(pool - most) + " shards once the fullest store (" +
                           std::to_string(most) + ") is lost, below the threshold of " +
                           std::to_string(c.threshold) +
                           ": one lost store would stop automatic unseal and the rekey's verification; " +
                           what_would_hold(c)});
}

void check_custodians(const placement_counts& c, std::vector<placement_problem>& out)
{
    if (c.threshold <= 1)
        for (int i = 0; i < c.custodians; ++i)
            out.push_back(
                {placement_key::custodian, i,
                 "this custodian's one share reaches the threshold of 1 alone: raise secret_threshold"});
    if (c.custodians_can_recover && c.custodians < c.threshold)
        out.push_back({placement_key::can_recover, -1,
                       "the custodians hold " + std::to_string(c.custodians) + " of the threshold of " +
                           std::to_string(c.threshold) +
                           " shares (one each), so they cannot recover together: " +
                           "add custodians or set custodians_can_recover to false"});
}

}  // namespace

int max_shards_per_store(int shares, int stores) noexcept
{
    return stores <= 0 ? shares : (shares + stores - 1) / stores;
}

result<std::vector<std::string>> place_shards(int shares, int threshold,
                                              const std::vector<std::string>& stores)
{
    if (shares < 1 || threshold < 1 || threshold > shares)
        return make_error(errc::invalid_argument, "threshold must be between 1 and the share count");
    if (stores.empty())
        return make_error(errc::invalid_argument, "no shard store configured");
    int most = max_shards_per_store(shares, static_cast<int>(stores.size()));
    if (most >= threshold)
        return make_error(errc::invalid_argument,
                          std::to_string(stores.size()) + " store(s) for " + std::to_string(shares) +
                              " shares would put " + std::to_string(most) +
                              " shards in one store, enough to reach the threshold of " +
                              std::to_string(threshold) + ": add stores or raise the threshold");
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(shares));
    for (int i = 0; i < shares; ++i)
        out.push_back(stores[static_cast<std::size_t>(i) % stores.size()]);
    return out;
}

result<std::vector<share_holder>> place_with_custodians(int shares, int threshold,
                                                        const std::vector<std::string>& stores,
                                                        const std::vector<std::string>& custodians)
{
    int pool = shares - static_cast<int>(custodians.size());
    if (pool < 1)
        return make_error(errc::invalid_argument,
                          none_left_for_stores(static_cast<int>(custodians.size()), shares));
    auto placed = place_shards(pool, threshold, stores);
    if (!placed)
        return placed.error();
    std::vector<share_holder> out;
    out.reserve(static_cast<std::size_t>(shares));
    for (auto& s : *placed)
        out.push_back({share_holder::kind::store, std::move(s)});
    for (const auto& c : custodians)
        out.push_back({share_holder::kind::custodian, c});
    return out;
}

std::vector<placement_problem> check_placement(const placement_counts& c)
{
    std::vector<placement_problem> out;
    if (c.shares < 1 || c.threshold < 1 || c.threshold > c.shares || c.stores < 1 || c.custodians < 0)
        return out;
    check_stores(c, out);
    check_custodians(c, out);
    return out;
}

}  // namespace vk::keeper
