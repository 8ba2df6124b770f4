#include "keeper/crash_point.hpp"

namespace vk::keeper {
namespace {
crash_hook installed = nullptr;
}

void set_crash_hook(crash_hook hook) noexcept
{
    installed = hook;
}

void crash_point(std::string_view point)
{
    if (installed)
        installed(point);
}

}  // namespace vk::keeper
