// Restore's two streamed passes (see streamed_restore.hpp). Pass 2 joins a push (the storage's download
// calls a sink) to a pull (the restore request asks its body for the next piece) through a channel of one
// piece, so memory stays at a few pieces whatever the snapshot's size.
#include "snapshot/streamed_restore.hpp"

#include "vault/raft.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <utility>

namespace vk::snapshot {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr const char* changed = "the snapshot changed between the verification and the restore";

// Names the object in errors that do not say which one.
error about(error e, const std::string& object)
{
    if (e.path.empty())
        e.path = object;
    return e;
}

// The pieces of pass 2 on their way from the download to the request body. An empty piece ends them;
// `failure` (set before it) says whether they may all go to Vault.
struct piece_pipe
{
    piece_pipe(asio::any_io_executor ex, std::uint64_t expected)
        : ch(std::move(ex), 1),
          expected(expected)
    {
    }
    asio::experimental::channel<void(boost::system::error_code, std::string)> ch;
    std::uint64_t expected;      // the archive's size in pass 1
    std::uint64_t released = 0;  // bytes handed to the request so far
    std::optional<error> failure;
    std::string held;  // the newest piece, held back until the next one (or a clean end) arrives
    std::string out;   // the piece the request is sending
    bool ended = false;
};

asio::awaitable<result<void>> forward(piece_pipe& p, std::string_view piece)
{
    if (piece.empty())
        co_return result<void>{};
    auto [ec] = co_await p.ch.async_send(boost::system::error_code{}, std::string(piece),
                                         asio::as_tuple(asio::use_awaitable));
    if (ec)
        co_return make_error(errc::cancelled, "the restore request stopped taking the snapshot");
    co_return result<void>{};
}

// The end of pass 2's download: the last plaintext forwarded once the whole archive matches pass 1.
asio::awaitable<result<void>> finish_download(piece_pipe& p, stored_stream& s, const stream_summary& verified)
{
    auto last = s.finish();
    if (!last)
        co_return last.error();
    if (s.summary().plain_sha256 != verified.plain_sha256 || s.summary().plain_bytes != verified.plain_bytes)
        co_return make_error(errc::bad_response, changed);
    co_return co_await forward(p, *last);
}

// Pass 2's download into the pipe, then its end marker.
asio::awaitable<result<void>> download_into(piece_pipe& p, snapshot_storage& st, std::string object,
                                            std::shared_ptr<const cms_recipient> recipient,
                                            const stream_summary& verified)
{
    stored_stream s(std::move(recipient), false);  // verified in pass 1: here only hashed
    chunk_sink sink = [&p, &s](std::string_view chunk) -> asio::awaitable<result<void>> {
        auto plain = s.feed(chunk);
        if (!plain)
            co_return plain.error();
        co_return co_await forward(p, *plain);
    };
    auto r = co_await st.download_to(object, std::move(sink));
    if (r)
        r = co_await finish_download(p, s, verified);
    if (!r)
        p.failure = about(r.error(), object);
    // The end marker; a request already gone has closed the pipe, which is fine.
    co_await p.ch.async_send(boost::system::error_code{}, std::string(), asio::as_tuple(asio::use_awaitable));
    co_return r;
}

// The next piece for the request: the one held back, released by a newer one or by a clean end.
asio::awaitable<result<std::string_view>> release_next(piece_pipe& p)
{
    while (!p.ended)
    {
        auto [ec, piece] = co_await p.ch.async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec)
            co_return make_error(errc::cancelled, "the snapshot's download stopped");
        if (piece.empty() && p.failure)
            co_return *p.failure;
        p.ended = piece.empty();
        if (p.held.empty() && !p.ended)
        {
            p.held = std::move(piece);
            continue;
        }
        p.out = std::exchange(p.held, std::move(piece));
        p.released += p.out.size();
        if (p.released > p.expected)
            co_return make_error(errc::bad_response, changed);
        co_return std::string_view(p.out);
    }
    co_return std::string_view();
}

// Pass 2's request: sent once (no rewind, so no retry or redirect), its body from the pipe.
asio::awaitable<result<void>> send_pipe(vault::client& node, std::shared_ptr<piece_pipe> p, bool force)
{
    http::body_source body;
    body.length = p->expected;
    body.next = [p]() { return release_next(*p); };
    auto r = co_await vault::raft_restore(node, std::move(body), force);
    p->ch.close();  // a download still running stops at its next piece
    co_return r;
}

}  // namespace

asio::awaitable<result<stream_summary>> verify_streamed(snapshot_storage& st, std::string object,
                                                        std::shared_ptr<const cms_recipient> recipient)
{
    stored_stream s(std::move(recipient), true);
    chunk_sink sink = [&s](std::string_view chunk) -> asio::awaitable<result<void>> {
        auto plain = s.feed(chunk);
        if (!plain)
            co_return plain.error();
        co_return result<void>{};
    };
    auto r = co_await st.download_to(object, std::move(sink));
    if (!r)
        co_return about(r.error(), object);
    if (auto last = s.finish(); !last)
        co_return about(last.error(), object);
    co_return s.summary();
}

asio::awaitable<result<void>> restore_streamed(vault::client& node, snapshot_storage& st, std::string object,
                                               std::shared_ptr<const cms_recipient> recipient,
                                               stream_summary verified, bool force)
{
    auto ex = co_await asio::this_coro::executor;
    auto pipe = std::make_shared<piece_pipe>(ex, verified.plain_bytes);
    auto [downloaded, sent] = co_await (download_into(*pipe, st, object, std::move(recipient), verified) &&
                                        send_pipe(node, pipe, force));
    // The download's own failure explains the request's; its "stopped" only echoes a request that failed.
    if (!downloaded && !downloaded.error().is(errc::cancelled))
        co_return downloaded.error();
    co_return sent;
}

}  // namespace vk::snapshot
