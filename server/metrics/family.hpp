// A metric family's name and help text: each job kind lists its own in one header (<kind>/<kind>_metrics.hpp)
// so names and help texts are written once.
#ifndef VAULTKEEPER_SERVER_METRICS_FAMILY_HPP
#define VAULTKEEPER_SERVER_METRICS_FAMILY_HPP

#include <string_view>

namespace vk::metrics {

struct family
{
    std::string_view name;
    std::string_view help;
};

}  // namespace vk::metrics

#endif
