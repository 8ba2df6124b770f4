// The Lucretius vault_raft_snapshot_agent's snapshot.json, mapped onto a snapshot job's settings so its users
// switch by pointing a job at their file. Every key the agent reads maps to one of ours; what cannot be
// mapped (a static S3 name, GCS with machine credentials, an address or credentials that differ from the
// job's vault) is a problem at its pointer in the agent file.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_AGENT_CONFIG_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_AGENT_CONFIG_HPP

#include "snapshot/model/settings.hpp"

#include <boost/json/value.hpp>

namespace vk::snapshot {

// What the agent file contributes to the job.
struct agent_mapping
{
    std::string vault;  // the configured vault whose address is the agent's `addr` ("" when addr is absent)
    duration frequency{std::chrono::hours(1)};  // the agent's schedule: must equal the job's interval
    std::vector<storage_settings> storages;     // "local", "s3", "azure" (retain from the agent's `retain`)
};

// Maps the parsed agent file `doc` (pointers in `problems` are relative to the file). `job_vault` is the
// vault the job names ("" if none): the agent's addr and credentials must agree with it. Azure's account
// and key follow the agent's rule: AZURE_STORAGE_ACCOUNT / AZURE_STORAGE_ACCESS_KEY (from `inputs`) override
// the file.
agent_mapping map_agent_config(const boost::json::value& doc, const vk::config& cfg,
                               const std::string& job_vault, config_problems& problems,
                               const config_inputs& inputs);

// The agent's object names: "raft_snapshot-<unix nanoseconds>.snap".
name_format agent_name_format();

}  // namespace vk::snapshot

#endif
