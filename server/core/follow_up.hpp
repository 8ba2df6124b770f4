// What the audit trail waits for after a change's answer before it can write the change's outcome. Declared
// by a route next to its scope (api/router.hpp, runtime/job_kind.hpp); followed by api/model/audit_follow.
#ifndef VAULTKEEPER_SERVER_CORE_FOLLOW_UP_HPP
#define VAULTKEEPER_SERVER_CORE_FOLLOW_UP_HPP

namespace vk {

enum class follow_up
{
    none,        // the answer is the outcome (halt, restore, the log level)
    next_cycle,  // the job's next cycle carries it out (trigger, resume, an approval)
    procedure,   // a keeper procedure over one or more cycles (rekey): done once the job's procedure is idle
};

}  // namespace vk

#endif
