// The emissary job kind: polls its sources, renders each template in memory once every value it names is
// present, writes it atomically when it changed, then runs the command once for all of them.
#ifndef VAULTKEEPER_SERVER_EMISSARY_EMISSARY_JOB_HPP
#define VAULTKEEPER_SERVER_EMISSARY_EMISSARY_JOB_HPP

#include "runtime/job_kind.hpp"

namespace vk::emissary {

runtime::job_kind make_emissary_kind();

// `vaultkeeper --once --config F`: runs every emissary job of `cfg` until each of its templates rendered (and
// its command ran) or its `timeout` passed, without the admin API. 0 when all rendered, 1 otherwise (every
// waiting template and its missing references printed to stderr, never a value).
int run_once(const vk::config& cfg);

}  // namespace vk::emissary

#endif
