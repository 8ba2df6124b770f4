// The names inside vault-sim's raft snapshot archives, shared by the writer (snapshot.cpp) and the reader
// (snapshot_reader.cpp).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SNAPSHOT_FORMAT_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SNAPSHOT_FORMAT_HPP

#include <string_view>

namespace vsim::snapshot_format {

// state.bin keys: the seal configuration, the wrapped root key, and logical entries under this prefix
// (anything else, such as the sim's filler, is ignored by a restore).
constexpr std::string_view seal_config_key = "core/seal-config";
constexpr std::string_view wrapped_root_key = "core/wrapped-root";
constexpr std::string_view logical_prefix = "logical/";
// Additional data of SHA256SUMS.sealed.
constexpr std::string_view sums_aad = "vault-sim SHA256SUMS";

}  // namespace vsim::snapshot_format

#endif
