// The parser of the "ha" block (config.cpp reads the other top-level blocks).
#ifndef VAULTKEEPER_SERVER_CORE_CONFIG_HA_HPP
#define VAULTKEEPER_SERVER_CORE_CONFIG_HA_HPP

#include "core/config.hpp"
#include "core/config_reader.hpp"

namespace vk {

// Exactly one of "consul" (+ key, session_ttl) and "kubernetes" (+ namespace, lease_prefix and client-go's
// timings); each one's keys refused with the other; replica_id defaulted per kind. Problems at their
// pointers.
void read_ha(object_reader& root, config& cfg);

}  // namespace vk

#endif
