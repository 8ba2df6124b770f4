// The installed test-point hook (none in production).
#include "core/test_point.hpp"

namespace vk {
namespace {
test_point_hook installed = nullptr;
}

void set_test_point_hook(test_point_hook hook) noexcept
{
    installed = hook;
}

void test_point(std::string_view point)
{
    if (installed)
        installed(point);
}

}  // namespace vk
