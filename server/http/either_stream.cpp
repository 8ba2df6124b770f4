// The two streams' own operations, each instantiated once with the type-erased handler.
#include "http/either_stream.hpp"

#include <boost/asio/cancellation_signal.hpp>

namespace vk::http::detail {

namespace {

// Boost 1.81's any_completion_handler associates an any_completion_executor, which Beast cannot post through
// (it requires blocking.never); the erased handler therefore runs on the stream's executor, the same
// io_context its coroutine runs on, and keeps its cancellation slot.
template <class Handler> struct on_stream_executor
{
    Handler h;
    boost::asio::any_io_executor ex;

    using executor_type = boost::asio::any_io_executor;
    executor_type get_executor() const noexcept { return ex; }
    using cancellation_slot_type = boost::asio::cancellation_slot;
    cancellation_slot_type get_cancellation_slot() const noexcept { return h.get_cancellation_slot(); }

    void operator()(boost::system::error_code ec, std::size_t n) { std::move(h)(ec, n); }
};

template <class Handler> on_stream_executor<Handler> bound(Handler h, boost::asio::any_io_executor ex)
{
    return {std::move(h), std::move(ex)};
}

}  // namespace

either_stream::executor_type either_stream::get_executor() const
{
    return plain_ ? plain_->get_executor() : tls_->get_executor();
}

boost::beast::tcp_stream& either_stream::lowest() const
{
    return plain_ ? *plain_ : boost::beast::get_lowest_layer(*tls_);
}

void either_stream::start_read(boost::asio::mutable_buffer b, handler_type h)
{
    if (plain_)
        plain_->async_read_some(b, bound(std::move(h), get_executor()));
    else
        tls_->async_read_some(b, bound(std::move(h), get_executor()));
}

void either_stream::start_write(const gathered& g, handler_type h)
{
    if (plain_)
        plain_->async_write_some(g, bound(std::move(h), get_executor()));
    else
        tls_->async_write_some(g, bound(std::move(h), get_executor()));
}

}  // namespace vk::http::detail
