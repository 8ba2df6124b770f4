// The "keeper" kind's registration: settings parser, body, and the route its body serves
// (keeper/keeper_actions.hpp).
#include "keeper/keeper_kind.hpp"

#include "keeper/keeper_job.hpp"
#include "keeper/model/settings.hpp"
#include "snapshot/snapshot_kind.hpp"

namespace vk::keeper {

namespace {

// --check-config: "store NAME: credentials from SOURCE" for each object store, and which of them may not
// hold the state record.
std::vector<std::string> describe_stores(const vk::job_config& job)
{
    std::vector<std::string> lines;
    const auto* s = dynamic_cast<const keeper_settings*>(job.settings.get());
    for (const auto& st : s ? s->stores : std::vector<store_settings>{})
        if (const auto* o = std::get_if<object_store_settings>(&st))
        {
            lines.push_back("store " + o->name + ": credentials from " +
                            snapshot::storage_credential_source(
                                std::visit([](auto x) -> snapshot::storage_spec { return x; }, o->spec)));
            if (!o->cas)
                lines.push_back("store " + o->name + ": \"cas\": false, never holds the state record");
        }
    return lines;
}

}  // namespace

runtime::job_kind make_keeper_kind()
{
    return runtime::job_kind{
        "keeper",
        parse_settings,
        make_keeper_body,
        {
            {"POST", "rekey", true, vk::scope::rekey, vk::follow_up::procedure},
            {"GET", "custodians/{custodian}/share", false, vk::scope::custodian_share, vk::follow_up::none,
             std::nullopt, true},
        },
        describe_stores,
    };
}

}  // namespace vk::keeper
