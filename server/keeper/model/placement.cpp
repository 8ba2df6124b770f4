#include "keeper/model/placement.hpp"

namespace vk::keeper {

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

}  // namespace vk::keeper
