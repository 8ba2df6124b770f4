// Internal: a plain or a TLS stream behind one type. Beast's HTTP read and write operations, the bulk of the
// HTTP code's compile time, are then instantiated once instead of once per stream type (the TLS copy was two
// thirds of the client exchange's compile time); only the two streams' read_some and write_some exist per
// type, behind a type-erased handler.
#ifndef VAULTKEEPER_SERVER_HTTP_EITHER_STREAM_HPP
#define VAULTKEEPER_SERVER_HTTP_EITHER_STREAM_HPP

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <cstddef>

namespace vk::http::detail {

class either_stream
{
public:
    using executor_type = boost::asio::any_io_executor;
    using tls = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    explicit either_stream(boost::beast::tcp_stream& s)
        : plain_(&s)
    {
    }
    explicit either_stream(tls& s)
        : tls_(&s)
    {
    }

    executor_type get_executor() const;
    // The TCP layer under either: its expiry bounds every operation.
    boost::beast::tcp_stream& lowest() const;

    // AsyncReadStream: reads into the first non-empty buffer (a read_some may fill less than it is given).
    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token)
    {
        return boost::asio::async_initiate<Token, signature>(
            [this](auto handler, boost::asio::mutable_buffer b) {
                start_read(b, handler_type(std::move(handler)));
            },
            token, first_of(buffers));
    }

    // AsyncWriteStream: writes from up to max_gathered buffers (a write_some may send less than it is given).
    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token)
    {
        return boost::asio::async_initiate<Token, signature>(
            [this](auto handler, const gathered& g) { start_write(g, handler_type(std::move(handler))); },
            token, gather(buffers));
    }

private:
    using signature = void(boost::system::error_code, std::size_t);
    using handler_type = boost::asio::any_completion_handler<signature>;
    static constexpr std::size_t max_gathered = 16;
    using gathered = std::array<boost::asio::const_buffer, max_gathered>;

    template <class MutableBuffers> static boost::asio::mutable_buffer first_of(const MutableBuffers& buffers)
    {
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it)
            if (boost::asio::mutable_buffer b(*it); b.size() > 0)
                return b;
        return {};
    }
    template <class ConstBuffers> static gathered gather(const ConstBuffers& buffers)
    {
        gathered out{};
        std::size_t n = 0;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers) && n < max_gathered; ++it)
            if (boost::asio::const_buffer b(*it); b.size() > 0)
                out[n++] = b;
        return out;
    }

    void start_read(boost::asio::mutable_buffer b, handler_type h);
    void start_write(const gathered& g, handler_type h);

    boost::beast::tcp_stream* plain_ = nullptr;
    tls* tls_ = nullptr;
};

}  // namespace vk::http::detail

#endif
