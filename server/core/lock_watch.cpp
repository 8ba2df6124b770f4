// The lock value's JSON, the loss deadline and the holder watch.
#include "core/lock_watch.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace vk {
namespace json = boost::json;

std::string encode_lock_value(std::string_view holder, std::uint64_t beat)
{
    return json::serialize(json::object{{"holder", holder}, {"beat", beat}});
}

std::string holder_in_lock_value(std::string_view value)
{
    boost::system::error_code ec;
    auto v = json::parse(value, ec);
    if (!ec && v.is_object())
        if (const auto* h = v.as_object().if_contains("holder"); h && h->is_string())
            return std::string(h->as_string());
    return std::string(value);
}

lock_clock::time_point loss_deadline(lock_clock::time_point last_renewal_sent, lock_clock::duration ttl)
{
    return last_renewal_sent + ttl * 3 / 4;
}

std::string_view to_string(lock_state s)
{
    switch (s)
    {
    case lock_state::held: return "held";
    case lock_state::unheld: return "unheld";
    case lock_state::expiring: return "expiring";
    }
    return "unheld";
}

void holder_watch::saw(std::string_view session, std::string_view value, std::uint64_t modify_index,
                       lock_clock::time_point now)
{
    if (session.empty())
        return forget();
    if (session != session_ || modify_index != index_)
        changed_ = now;
    session_ = session;
    holder_ = holder_in_lock_value(value);
    index_ = modify_index;
}

void holder_watch::forget()
{
    session_.clear();
    holder_.clear();
    index_ = 0;
}

lock_view holder_watch::view(lock_clock::time_point now) const
{
    if (session_.empty())
        return {};
    if (now - changed_ >= ttl_)
        return {lock_state::expiring, "", holder_};
    return {lock_state::unheld, holder_, ""};
}

}  // namespace vk
