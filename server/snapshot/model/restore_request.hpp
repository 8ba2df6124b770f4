// The body of POST /v1/snapshot/{name}/restore, validated: {"storage": "...", "name": "...", "force": false}.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RESTORE_REQUEST_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RESTORE_REQUEST_HPP

#include "core/error.hpp"
#include "snapshot/model/settings.hpp"

#include <boost/json/value.hpp>

namespace vk::snapshot {

struct restore_request
{
    std::string storage;
    std::string name;
    bool force = false;
};

// errc::bad_request naming the field by JSON pointer ("/storage: no storage named \"x\" in this job").
result<restore_request> parse_restore_request(const boost::json::value& body, const snapshot_settings& s);

}  // namespace vk::snapshot

#endif
