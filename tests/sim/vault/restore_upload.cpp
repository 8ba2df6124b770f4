// Streamed restore bodies (see restore_upload.hpp).
#include "restore_upload.hpp"

namespace vsim {

bool streams_restore_body(const simc::request& req)
{
    return (req.method == "POST" || req.method == "PUT") &&
           (req.path == "/v1/sys/storage/raft/snapshot" || req.path == "/v1/sys/storage/raft/snapshot-force");
}

boost::asio::awaitable<std::optional<snapshot_result>> read_restore_upload(const simc::body_source& body)
{
    snapshot_reader reader;
    for (;;)
    {
        const auto chunk = co_await body();
        if (chunk.aborted)
            co_return std::nullopt;
        reader.feed(chunk.data);
        if (chunk.complete)
            co_return reader.finish();
    }
}

}  // namespace vsim
