// Default start-up checks: none.
#include "runtime/job_kind.hpp"

namespace vk::runtime {

boost::asio::awaitable<vk::result<void>> job_body::start(cycle_context&)
{
    co_return vk::result<void>{};
}

}  // namespace vk::runtime
