// The "snapshot" kind's registration: settings parser, body, and the routes its body serves
// (snapshot/snapshot_actions.hpp).
#include "snapshot/snapshot_kind.hpp"

#include "snapshot/azure_storage.hpp"
#include "snapshot/model/settings.hpp"
#include "snapshot/s3_storage.hpp"
#include "snapshot/snapshot_job.hpp"

namespace vk::snapshot {

namespace {

// "storage NAME: credentials from SOURCE" for each S3 and Azure storage (decided now, nothing fetched).
std::vector<std::string> describe_credentials(const vk::job_config& job)
{
    std::vector<std::string> lines;
    const auto* s = dynamic_cast<const snapshot_settings*>(job.settings.get());
    for (const auto& storage : s ? s->storages : std::vector<storage_settings>{})
        if (const auto* s3 = std::get_if<s3_storage_settings>(&storage.spec))
        {
            auto plan = cloud::aws::plan_from_environment(aws_provider_settings(*s3).chain);
            lines.push_back("storage " + storage.name + ": credentials from " +
                            (plan ? plan->description : "nowhere (" + plan.error().message + ")"));
        }
        else if (const auto* az = std::get_if<azure_storage_settings>(&storage.spec))
            lines.push_back("storage " + storage.name + ": credentials from " + credential_source(*az));
    return lines;
}

}  // namespace

runtime::job_kind make_snapshot_kind()
{
    return runtime::job_kind{
        "snapshot",
        parse_settings,
        make_snapshot_body,
        {
            {"GET", "list"},
            {"POST", "restore", false, vk::scope::restore},
        },
        describe_credentials,
    };
}

}  // namespace vk::snapshot
