// Names of keeper objects, valid as Kubernetes Secret names and file names alike.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_OBJECT_NAME_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_OBJECT_NAME_HPP

#include <string_view>

namespace vk::keeper {

// 1-200 characters of [a-z0-9.-], starting and ending with a letter or digit.
bool valid_object_name(std::string_view name) noexcept;

}  // namespace vk::keeper

#endif
