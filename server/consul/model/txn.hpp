// Consul transactions (PUT /v1/txn), pure part: KV operations, the request body, and the decoding of a
// committed (200) or rolled-back (409) answer.
#ifndef VAULTKEEPER_SERVER_CONSUL_MODEL_TXN_HPP
#define VAULTKEEPER_SERVER_CONSUL_MODEL_TXN_HPP

#include "consul/model/codec.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vk::consul {

// Older Consul releases (0.7 to 1.1x) accept at most 64 operations per transaction, current ones 128; the
// client defaults to the smaller limit so it works against both.
inline constexpr std::size_t default_max_txn_ops = 64;

enum class kv_verb
{
    set,
    cas,
    lock,
    unlock,
    get,
    get_or_empty,
    get_tree,
    check_index,
    check_session,
    check_not_exists,
    remove,       // "delete"
    remove_tree,  // "delete-tree"
    remove_cas    // "delete-cas"
};

// The wire name of a verb ("delete-cas"...).
std::string_view to_string(kv_verb v) noexcept;

struct txn_op
{
    kv_verb verb = kv_verb::get;
    std::string key;
    std::string value;  // raw bytes (set, cas, lock, unlock)
    std::uint64_t flags = 0;
    std::uint64_t index = 0;  // cas, check-index, delete-cas
    std::string session;      // lock, unlock, check-session
};

struct txn_op_error
{
    std::size_t op_index = 0;
    std::string what;  // Consul's text, e.g. `failed to set key "k", index is stale`
};

// What a transaction did: committed with results (one per op that yields an entry), or rolled back with
// every failing op listed.
struct txn_result
{
    bool committed = false;
    std::vector<kv_entry> results;
    std::vector<txn_op_error> errors;
};

// The JSON body for `ops`. errc::invalid_argument when ops is empty or has more than `max_ops` operations;
// errc::too_large (naming the key) when a value exceeds max_value_size.
result<std::string> build_txn_body(const std::vector<txn_op>& ops, std::size_t max_ops = default_max_txn_ops);

// Decodes the answer of /v1/txn: 200 -> committed, 409 -> rolled back with errors. Other statuses are not
// handled here (the client maps them). errc::bad_response when the body is not the documented shape.
result<txn_result> decode_txn(unsigned status, std::string_view body);

}  // namespace vk::consul

#endif
