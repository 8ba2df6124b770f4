// `vaultkeeper --once`: the emissary jobs of a config rendered once, outside the daemon.
#ifndef VAULTKEEPER_SERVER_EMISSARY_ONCE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_ONCE_HPP

#include "core/config.hpp"

namespace vk::emissary {

// `vaultkeeper --once --config F`: runs every emissary job of `cfg` until each of its templates rendered (and
// its command ran) or its `timeout` passed, without the admin API. 0 when all rendered, 1 otherwise (every
// waiting template and its missing references printed to stderr, never a value).
int run_once(const vk::config& cfg);

}  // namespace vk::emissary

#endif
