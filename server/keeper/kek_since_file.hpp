// The file a keeper job keeps old_kek_since in (<state_dir>/<job>.kek-since), so that a restart keeps when
// objects under a previous key-encryption key were first seen and VaultkeeperKeeperOldKek's grace runs on.
#ifndef VAULTKEEPER_SERVER_KEEPER_KEK_SINCE_FILE_HPP
#define VAULTKEEPER_SERVER_KEEPER_KEK_SINCE_FILE_HPP

#include "core/error.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace vk::keeper {

std::string kek_since_path(const std::string& state_dir, const std::string& job);
// The times kept; none when the file is absent. bad_response (with the path) when it does not parse.
result<std::map<std::string, std::int64_t>> load_old_kek_since(const std::string& path);
// Written durably (temp file + fsync + rename), the directory created (0700) when absent.
result<void> save_old_kek_since(const std::string& path, const std::map<std::string, std::int64_t>& since);

}  // namespace vk::keeper

#endif
