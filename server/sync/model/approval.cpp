// Plan ids, approvals and the publish guard (see approval.hpp).
#include "sync/model/approval.hpp"

#include "sync/model/digest.hpp"

#include <algorithm>

namespace vk::sync {

std::string plan_id(std::vector<std::string> paths)
{
    std::sort(paths.begin(), paths.end());
    std::string text;
    for (const auto& p : paths)
    {
        text += p;
        text += '\n';
    }
    return sha256_hex(text);
}

result<std::string> parse_approval(const boost::json::value& body)
{
    const auto* obj = body.if_object();
    if (!obj)
        return make_error(errc::bad_request, "/plan: required; send {\"plan\": \"<id>\"} from GET plan");
    const auto* plan = obj->if_contains("plan");
    if (!plan)
        return make_error(errc::bad_request, "/plan: required; send {\"plan\": \"<id>\"} from GET plan");
    if (!plan->is_string() || plan->as_string().empty())
        return make_error(errc::bad_request, "/plan: must be a non-empty string (the plan id from GET plan)");
    return std::string(plan->as_string());
}

result<approval> accept_approval(std::string_view requested, std::string_view held,
                                 wall_clock::time_point now)
{
    if (held.empty())
        return make_error(errc::conflict, "nothing is held for approval");
    if (requested != held)
        return make_error(errc::conflict, "the held set changed since that plan; the plan id is now " +
                                              std::string(held) + " (review GET plan again)");
    return approval{std::string(requested), now};
}

bool approval_expired(const std::optional<approval>& a, wall_clock::time_point now,
                      std::chrono::milliseconds ttl)
{
    return a && now - a->at >= ttl;
}

bool approval_releases(const std::optional<approval>& a, std::string_view plan, wall_clock::time_point now,
                       std::chrono::milliseconds ttl)
{
    return a && !approval_expired(a, now, ttl) && a->plan == plan;
}

publish_guard guard_publish(std::size_t published, std::size_t walked, double max_drop_percent) noexcept
{
    if (published == 0 || walked >= published)
        return {};
    const double pct = 100.0 * static_cast<double>(published - walked) / static_cast<double>(published);
    return {pct > max_drop_percent, pct};
}

publish_guard guard_publish(const sync_info& published, const sync_info& walked,
                            const std::vector<std::size_t>& unknown, double max_drop_percent)
{
    if (unknown.empty() || published.bucket_count() != walked.bucket_count())
        return guard_publish(published.size(), walked.size(), max_drop_percent);
    std::size_t before = 0;
    std::size_t after = 0;
    for (std::size_t b = 0; b < published.bucket_count(); ++b)
        if (std::find(unknown.begin(), unknown.end(), b) == unknown.end())
        {
            before += published.bucket_at(b).size();
            after += walked.bucket_at(b).size();
        }
    return guard_publish(before, after, max_drop_percent);
}

std::vector<std::string> vanished_paths(const sync_info& before, const sync_info& after)
{
    std::vector<std::string> out;
    for (std::size_t b = 0; b < before.bucket_count(); ++b)
        for (const auto& [path, in] : before.bucket_at(b))
            if (!after.find(path))
                out.emplace_back(path);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace vk::sync
