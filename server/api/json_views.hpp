// JSON renderings of jobs and cycles for the admin API (never secret values).
#ifndef VAULTKEEPER_SERVER_API_JSON_VIEWS_HPP
#define VAULTKEEPER_SERVER_API_JSON_VIEWS_HPP

#include <boost/json/object.hpp>

#include "runtime/job.hpp"

namespace vk::api {

boost::json::object cycle_json(const runtime::cycle_record& r);
boost::json::object job_summary_json(const runtime::job& j, const std::string& holder);
boost::json::object job_detail_json(const runtime::job& j, const std::string& holder);

}  // namespace vk::api

#endif
