// The keys of a Vault LIST answer are untrusted input: the walk appends them to the folder it listed, so an
// empty key would list the same folder again (forever), and "." / ".." would leave it.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_LIST_KEYS_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_LIST_KEYS_HPP

#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

// Every key is a name ("db") or a sub-folder ("app/"): non-empty, no empty, "." or ".." segment.
// errc::bad_response naming `folder` (the listed path) and the first offending key.
result<void> check_list_keys(std::string_view folder, const std::vector<std::string>& keys);

}  // namespace vk::sync

#endif
