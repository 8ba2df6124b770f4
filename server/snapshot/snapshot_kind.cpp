// The "snapshot" kind's registration: settings parser, body, and the routes its body serves
// (snapshot/snapshot_actions.hpp).
#include "snapshot/snapshot_kind.hpp"

#include "snapshot/azure_storage.hpp"
#include "snapshot/model/settings.hpp"
#include "snapshot/s3_storage.hpp"
#include "snapshot/snapshot_job.hpp"

namespace vk::snapshot {

namespace {

// "storage NAME: credentials from SOURCE" for each cloud storage.
std::vector<std::string> describe_credentials(const vk::job_config& job)
{
    std::vector<std::string> lines;
    const auto* s = dynamic_cast<const snapshot_settings*>(job.settings.get());
    for (const auto& storage : s ? s->storages : std::vector<storage_settings>{})
        if (auto source = storage_credential_source(storage.spec); !source.empty())
            lines.push_back("storage " + storage.name + ": credentials from " + source);
    return lines;
}

}  // namespace

std::string storage_credential_source(const storage_spec& spec)
{
    auto described = [](const auto& plan) {
        return plan ? plan->description : "nowhere (" + plan.error().message + ")";
    };
    if (const auto* s3 = std::get_if<s3_storage_settings>(&spec))
        return described(cloud::aws::plan_from_environment(aws_provider_settings(*s3).chain));
    if (const auto* gcs = std::get_if<gcs_storage_settings>(&spec))
        return gcs->oauth() ? described(cloud::gcp::plan_from_environment(gcp_provider_settings(*gcs)))
                            : "HMAC keys";
    if (const auto* az = std::get_if<azure_storage_settings>(&spec))
        return credential_source(*az);
    return "";
}

runtime::job_kind make_snapshot_kind()
{
    return runtime::job_kind{
        "snapshot",
        parse_settings,
        make_snapshot_body,
        {
            {"GET", "list"},
            // A drill ({"dry_run": true}) changes nothing: operators run it like a trigger.
            {"POST", "restore", false, vk::scope::restore, vk::follow_up::none, vk::scope::operate},
        },
        describe_credentials,
    };
}

}  // namespace vk::snapshot
