// The destination's per-path steps: copy one secret at the version its insight names from the origin Vault
// to its transformed path in the destination Vault, soft-delete one, or repair one changed by hand.
#ifndef VAULTKEEPER_SERVER_SYNC_COPY_SECRET_HPP
#define VAULTKEEPER_SERVER_SYNC_COPY_SECRET_HPP

#include "core/error.hpp"
#include "core/token_bucket.hpp"
#include "sync/model/insight.hpp"
#include "sync/model/transform.hpp"
#include "sync/origin_walk.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vk::vault {
class client;
}

namespace vk::sync {

struct copy_context
{
    vault::client& origin;
    vault::client& destination;
    const std::vector<kv_mount>& origin_mounts;
    const std::vector<kv_mount>& destination_mounts;
    const transform_pack& pack;
    token_bucket* pace = nullptr;             // paces requests to the origin Vault
    const vk::secret* insight_key = nullptr;  // keys the insights of KV v1 copies; required for them
};

// What a copy did: the insight to record (for KV v1, the hash of what was really copied), or nothing when
// the origin no longer has that version (deleted, destroyed or gone: the origin drops it next cycle).
using copy_outcome = std::optional<insight>;

// Errors name the failing side's endpoint and path; a transform result outside the destination's KV
// mounts is errc::invalid_argument.
boost::asio::awaitable<result<copy_outcome>> copy_secret(const copy_context& c,
                                                         const std::string& origin_path, const insight& in);

// Soft-deletes the latest version of the transformed path (KV v1: deletes it); a secret already gone is
// success.
boost::asio::awaitable<result<void>> delete_secret(const copy_context& c, const std::string& origin_path);

// Compares the destination's current data with the origin's at `in`; rewrites it when it differs or is
// missing/deleted. true when a repair was written.
boost::asio::awaitable<result<bool>> repair_secret(const copy_context& c, const std::string& origin_path,
                                                   const insight& in);

}  // namespace vk::sync

#endif
