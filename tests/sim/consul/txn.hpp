// consul-sim's /v1/txn KV operations: decoding and limits (agent/txn_endpoint.go) and all-or-nothing
// execution collecting every failing op (agent/consul/state/txn.go). Pure: no I/O.
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_TXN_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_TXN_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "state.hpp"

namespace csim {

inline constexpr std::size_t max_txn_ops = 128;
inline constexpr std::size_t max_value_size = 512 * 1024;   // kv_max_value_size default
inline constexpr std::size_t max_txn_request = 512 * 1024;  // txn_max_req_len default

struct txn_op
{
    std::string verb;
    std::string key;
    std::string value;  // decoded
    std::uint64_t flags = 0;
    std::uint64_t index = 0;
    std::string session;
};

// A request the endpoint refuses before running it (400 or 413 with a plain-text body).
struct txn_rejection
{
    unsigned status;
    std::string message;
};

std::variant<std::vector<txn_op>, txn_rejection> parse_txn(std::string_view body);

// Reads only: served without a raft write and with read meta headers.
bool read_only(const std::vector<txn_op>& ops);

struct txn_entry
{
    dir_entry entry;
    bool with_value;  // get, get-or-empty, get-tree return the value; writes return null
};

struct txn_error
{
    std::size_t op_index;
    std::string what;
};

struct txn_outcome
{
    std::vector<txn_entry> results;
    std::vector<txn_error> errors;     // non-empty: nothing was applied (409)
    std::vector<std::string> touched;  // keys written, for waking blocking queries
};

txn_outcome run_txn(state& st, const std::vector<txn_op>& ops);

}  // namespace csim

#endif
