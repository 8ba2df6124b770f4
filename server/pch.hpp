// Precompiled header of vk_core: the heavy, stable third-party headers most translation units use.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string>
#include <vector>
