// Typed KV secrets engine operations: v2 (data, metadata, delete/undelete/destroy) and v1. `mount` is the
// mount path ("secret" or "secret/"), `path` the secret path inside it; both are percent-encoded per segment.
// Errors follow errors.hpp: not_found (missing secret), permission_denied, sealed, standby, rate_limited,
// conflict (CAS mismatch), bad_request, server_error, plus transport_error/timeout/cancelled from the
// client and bad_response for a malformed body. Reads and lists are retried on 5xx/429; writes are not.
#ifndef VAULTKEEPER_SERVER_VAULT_KV_HPP
#define VAULTKEEPER_SERVER_VAULT_KV_HPP

#include "vault/client.hpp"
#include "vault/model/types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::vault {

// GET <mount>/data/<path>[?version=N]. A deleted or destroyed version is a value with deleted=true (and its
// metadata), not an error; a missing secret or version is not_found.
boost::asio::awaitable<result<kv_secret>> kv2_read(client& c, std::string_view mount, std::string_view path,
                                                   std::optional<std::uint64_t> version = std::nullopt);

// POST <mount>/data/<path> {data, options.cas}: the new version. cas 0 = only if absent; conflict on
// mismatch.
boost::asio::awaitable<result<kv_version_meta>> kv2_write(client& c, std::string_view mount,
                                                          std::string_view path,
                                                          const boost::json::object& data,
                                                          std::optional<std::uint64_t> cas = std::nullopt);

// PATCH <mount>/data/<path> (JSON merge patch of the latest version): the new version. not_found when the
// secret is missing or its latest version deleted.
boost::asio::awaitable<result<kv_version_meta>> kv2_patch(client& c, std::string_view mount,
                                                          std::string_view path,
                                                          const boost::json::object& patch,
                                                          std::optional<std::uint64_t> cas = std::nullopt);

// LIST <mount>/metadata/<folder>: the keys of one folder (sub-folders end with '/'). An empty or missing
// folder is an empty list (Vault answers 404).
boost::asio::awaitable<result<std::vector<std::string>>> kv2_list(client& c, std::string_view mount,
                                                                  std::string_view folder);

// GET <mount>/metadata/<path>.
boost::asio::awaitable<result<kv_metadata>> kv2_read_metadata(client& c, std::string_view mount,
                                                              std::string_view path);

// GET <mount>/metadata/<path>: the reply body as Vault sent it, for callers that interpret it themselves
// (the sync origin keeps Vault's updated_time text byte for byte).
boost::asio::awaitable<result<std::string>> kv2_read_metadata_json(client& c, std::string_view mount,
                                                                   std::string_view path);
// POST <mount>/metadata/<path> with the fields set in `m`.
boost::asio::awaitable<result<void>> kv2_write_metadata(client& c, std::string_view mount,
                                                        std::string_view path, const kv_metadata_update& m);

// DELETE <mount>/metadata/<path>: every version and the metadata.
boost::asio::awaitable<result<void>> kv2_delete_metadata(client& c, std::string_view mount,
                                                         std::string_view path);

// Soft delete: the latest version (versions empty: DELETE <mount>/data/<path>) or the given versions
// (POST <mount>/delete/<path>).
boost::asio::awaitable<result<void>> kv2_delete(client& c, std::string_view mount, std::string_view path,
                                                const std::vector<std::uint64_t>& versions = {});

// POST <mount>/undelete/<path> {versions}. bad_request for an empty list.
boost::asio::awaitable<result<void>> kv2_undelete(client& c, std::string_view mount, std::string_view path,
                                                  const std::vector<std::uint64_t>& versions);

// POST <mount>/destroy/<path> {versions}: the data is gone for good. bad_request for an empty list.
boost::asio::awaitable<result<void>> kv2_destroy(client& c, std::string_view mount, std::string_view path,
                                                 const std::vector<std::uint64_t>& versions);

// KV v1: GET <mount>/<path> -> the stored object.
boost::asio::awaitable<result<boost::json::object>> kv1_read(client& c, std::string_view mount,
                                                             std::string_view path);
// KV v1: POST <mount>/<path> with the whole value (replaces it). bad_request for an empty object.
boost::asio::awaitable<result<void>> kv1_write(client& c, std::string_view mount, std::string_view path,
                                               const boost::json::object& data);
// KV v1: LIST <mount>/<folder>; empty or missing folder = empty list.
boost::asio::awaitable<result<std::vector<std::string>>> kv1_list(client& c, std::string_view mount,
                                                                  std::string_view folder);
// KV v1: DELETE <mount>/<path> (succeeds when absent too).
boost::asio::awaitable<result<void>> kv1_delete(client& c, std::string_view mount, std::string_view path);

}  // namespace vk::vault

#endif
