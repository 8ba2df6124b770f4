// Raft storage operations: snapshot download streamed into a caller sink (never buffered), restore streamed
// from a caller source, and the raft configuration. Need a token with sudo on the snapshot paths.
#ifndef VAULTKEEPER_SERVER_VAULT_RAFT_HPP
#define VAULTKEEPER_SERVER_VAULT_RAFT_HPP

#include "http/client.hpp"
#include "vault/client.hpp"
#include "vault/model/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>

namespace vk::vault {

// GET sys/storage/raft/snapshot: the gzip tar goes to `sink` chunk by chunk; returns the byte count.
// A standby answers 307 to the active node, which is followed. Sent once (a retry would replay bytes into
// the sink). `timeout` bounds the whole transfer; 0 = only the client's idle timeout applies.
// Errors: permission_denied (no sudo), sealed, standby, the sink's own error as is, transport_error,
// timeout, cancelled.
boost::asio::awaitable<result<std::uint64_t>>
raft_snapshot(client& c, http::body_sink sink,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

// POST sys/storage/raft/snapshot (or snapshot-force with `force`, which accepts a snapshot of another
// cluster: its keys apply afterwards) with the body read from `source`. Redirects and retries need
// source.rewind. bad_request when Vault refuses the snapshot (e.g. another cluster's without force).
boost::asio::awaitable<result<void>>
raft_restore(client& c, http::body_source source, bool force = false,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

// GET sys/storage/raft/configuration.
boost::asio::awaitable<result<raft_configuration>> raft_config(client& c);
// POST sys/storage/raft/join on a node with empty storage: it joins the cluster led at `leader_api_addr`
// (`leader_ca_cert`: PEM to verify it, "" for none) and then unseals with the cluster's keys.
// Unauthenticated.
boost::asio::awaitable<result<void>> raft_join(client& c, const std::string& leader_api_addr,
                                               const std::string& leader_ca_cert);
// GET sys/ha-status (forwarded to the active node by a standby).
boost::asio::awaitable<result<std::vector<ha_node>>> ha_status(client& c);

}  // namespace vk::vault

#endif
