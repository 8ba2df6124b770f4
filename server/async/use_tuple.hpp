// The completion token of the socket code: errors as values (an error_code in a tuple), not exceptions.
#ifndef VAULTKEEPER_SERVER_ASYNC_USE_TUPLE_HPP
#define VAULTKEEPER_SERVER_ASYNC_USE_TUPLE_HPP

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace vk

#endif
