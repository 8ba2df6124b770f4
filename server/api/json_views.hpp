// JSON renderings of jobs and cycles for the admin API (never secret values).
#ifndef VAULTKEEPER_SERVER_API_JSON_VIEWS_HPP
#define VAULTKEEPER_SERVER_API_JSON_VIEWS_HPP

#include <boost/json/object.hpp>

#include "core/lock_watch.hpp"
#include "runtime/job.hpp"

#include <optional>

namespace vk::api {

boost::json::object cycle_json(const runtime::cycle_record& r);
// `lock`: the job's HA lock as this replica sees it, nullopt without HA (holder "", lock "off").
boost::json::object job_summary_json(const runtime::job& j, const std::optional<vk::lock_view>& lock);
boost::json::object job_detail_json(const runtime::job& j, const std::optional<vk::lock_view>& lock);

}  // namespace vk::api

#endif
