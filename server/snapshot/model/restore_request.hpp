// The body of POST /v1/snapshot/{name}/restore, validated:
// {"storage": "...", "name": "...", "force": false, "dry_run": false}.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RESTORE_REQUEST_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RESTORE_REQUEST_HPP

#include "core/error.hpp"
#include "snapshot/model/settings.hpp"

#include <boost/json/value.hpp>

namespace vk::snapshot {

struct restore_request
{
    std::string storage;
    std::string name;  // empty only for a drill: the newest snapshot of `storage`
    bool force = false;
    bool dry_run = false;  // a restore drill: every step but sending the archive to Vault
};

// errc::bad_request naming the field by JSON pointer ("/storage: no storage named \"x\" in this job"). A
// drill may leave out the storage (the job's first) and the name (the newest one there); a restore names
// both, so "restore whatever is newest" is never one careless call.
result<restore_request> parse_restore_request(const boost::json::value& body, const snapshot_settings& s);

}  // namespace vk::snapshot

#endif
