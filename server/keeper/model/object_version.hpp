// The keeper file store's object version: the lower-case hex SHA-256 of the bytes on disk.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_OBJECT_VERSION_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_OBJECT_VERSION_HPP

#include <string>
#include <string_view>

namespace vk::keeper {

std::string sha256_hex(std::string_view bytes);
// Lower-case hex of any bytes (also an OpenPGP fingerprint's digits: custodians.cpp).
std::string lower_hex(std::string_view bytes);

}  // namespace vk::keeper

#endif
