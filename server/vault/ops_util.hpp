// Internal: the two shapes of a typed operation (call -> decoded value, call -> nothing), and JSON text.
#ifndef VAULTKEEPER_SERVER_VAULT_OPS_UTIL_HPP
#define VAULTKEEPER_SERVER_VAULT_OPS_UTIL_HPP

#include "vault/client.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace vk::vault::detail {

// perform(req), then decode a 2xx body; decoding errors name the endpoint and path. `req` must outlive it.
template <class T>
boost::asio::awaitable<result<T>> fetch(client& c, const call& req, result<T> (*decode)(std::string_view))
{
    auto r = co_await c.perform(req);
    if (!r)
        co_return r.error();
    auto v = decode(r->body);
    if (!v)
        co_return c.located(v.error(), req.path);
    co_return std::move(*v);
}

// perform(req) for operations whose answer carries nothing we need (usually 204).
inline boost::asio::awaitable<result<void>> run(client& c, const call& req)
{
    auto r = co_await c.perform(req);
    if (!r)
        co_return r.error();
    co_return result<void>{};
}

inline std::string to_json(const boost::json::value& v)
{
    return boost::json::serialize(v);
}

}  // namespace vk::vault::detail

#endif
