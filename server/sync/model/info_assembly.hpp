// The sync info assembled from Consul's keys one at a time: the index first, then each bucket as its read
// arrives, in any order. A reader so holds one bucket's text at a time, never a whole prefix (the info of a
// million secrets is far beyond what one HTTP answer may carry). It gives the info strictly (from_kv: the
// first missing or broken key is the error) and what Consul holds leniently (holdings_from_kv: what cannot be
// read is rewritten).
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_INFO_ASSEMBLY_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_INFO_ASSEMBLY_HPP

#include "sync/model/consul_layout.hpp"
#include "sync/model/heal.hpp"

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

class info_assembly
{
public:
    static constexpr std::size_t index_length = std::numeric_limits<std::size_t>::max();

    // `index_json`: the index key's value, nullptr when absent. `holding_buckets`: how many bucket keys the
    // holdings cover (a writer healing towards its configured count), or as many as the index names.
    info_assembly(std::string_view prefix, const std::string* index_json,
                  std::size_t holding_buckets = index_length);

    bool index_absent() const { return index_absent_; }
    // Bucket keys 0..keys()-1 are to be read and added.
    std::size_t keys() const;
    // The value of bucket key i, nullptr when absent.
    void add(std::size_t i, const std::string* json);

    // As from_kv: errc::not_found or errc::bad_response naming the first key (in key order) that is missing
    // or does not decode.
    result<loaded_info> take_info();
    // As holdings_from_kv.
    consul_holdings take_holdings() { return std::move(holdings_); }

private:
    void fail(std::size_t i, error e);

    std::string prefix_;
    bool index_absent_ = false;
    std::optional<error> index_error_;
    std::vector<std::string> read_index_;
    std::optional<sync_info> info_;  // when the index decodes
    std::optional<std::pair<std::size_t, error>> first_bucket_error_;
    consul_holdings holdings_;
};

}  // namespace vk::sync

#endif
