// What every snapshot storage can do through list() alone (see snapshot_storage.hpp).
#include "snapshot/snapshot_storage.hpp"

#include "snapshot/model/settings.hpp"

namespace vk::snapshot {

boost::asio::awaitable<result<std::optional<stored_snapshot>>> snapshot_storage::find(std::string object)
{
    auto listed = co_await list();
    if (!listed)
        co_return listed.error();
    for (auto& s : *listed)
        if (s.name == object)
            co_return std::optional<stored_snapshot>(std::move(s));
    co_return std::optional<stored_snapshot>();
}

boost::asio::awaitable<result<std::vector<std::string>>> snapshot_storage::remove_orphans(name_format)
{
    co_return std::vector<std::string>{};
}

}  // namespace vk::snapshot
