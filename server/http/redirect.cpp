// The redirect decision: same origin, a trusted node, or ask / refuse.
#include "http/redirect.hpp"

#include <algorithm>

namespace vk::http {

redirect_verdict judge_redirect(const endpoint& from, const endpoint& to, std::span<const endpoint> trusted)
{
    // Checked first: even a trusted node is not reached over plain http from https.
    if (from.tls() && !to.tls())
        return redirect_verdict::downgrade;
    if (to == from || std::find(trusted.begin(), trusted.end(), to) != trusted.end())
        return redirect_verdict::follow;
    return redirect_verdict::ask;
}

error refused_redirect(const endpoint& from, const endpoint& to, redirect_verdict why)
{
    std::string what = why == redirect_verdict::downgrade
                           ? "refusing redirect from https to http: "
                           : "refusing redirect to an endpoint outside the configured cluster: ";
    return make_error(errc::bad_response, what + from.str() + " -> " + to.str(), from.str());
}

}  // namespace vk::http
