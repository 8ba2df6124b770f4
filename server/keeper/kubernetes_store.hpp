// The "kubernetes" shard store: one Secret per keeper object in a namespace, through the API server with a
// service-account token, compare-and-swap through resourceVersion (409 on a stale one).
#ifndef VAULTKEEPER_SERVER_KEEPER_KUBERNETES_STORE_HPP
#define VAULTKEEPER_SERVER_KEEPER_KUBERNETES_STORE_HPP

#include "keeper/model/settings.hpp"
#include "keeper/shard_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <memory>

namespace vk::keeper {

// Builds the store; nothing is sent until the first operation (check() is the start-up probe).
std::shared_ptr<shard_store> make_kubernetes_store(const kubernetes_store_settings& settings,
                                                   boost::asio::any_io_executor executor);

}  // namespace vk::keeper

#endif
