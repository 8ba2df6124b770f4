// The "emissary" job kind: templates rendered from Vault, Consul, file, env and http values, written
// atomically, then a command; its parser and body.
#ifndef VAULTKEEPER_SERVER_EMISSARY_EMISSARY_KIND_HPP
#define VAULTKEEPER_SERVER_EMISSARY_EMISSARY_KIND_HPP

#include "runtime/job_kind.hpp"

namespace vk::emissary {

runtime::job_kind make_emissary_kind();

}  // namespace vk::emissary

#endif
