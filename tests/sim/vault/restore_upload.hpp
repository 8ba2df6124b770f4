// Raft snapshot restores arrive as streamed bodies (tens of GiB): which requests stream, and reading one
// through snapshot_reader as it arrives.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_RESTORE_UPLOAD_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_RESTORE_UPLOAD_HPP

#include <boost/asio/awaitable.hpp>

#include <optional>

#include "common/http.hpp"
#include "snapshot.hpp"

namespace vsim {

// listener_config::streams_body for vault-sim nodes: POST/PUT of sys/storage/raft/snapshot[-force].
bool streams_restore_body(const simc::request& req);

// Reads the whole streamed body (also after the archive turned out bad, so the client gets its answer)
// and checks it; nullopt when the body was cut short: then nothing can be restored and nobody is waiting.
boost::asio::awaitable<std::optional<snapshot_result>> read_restore_upload(const simc::body_source& body);

}  // namespace vsim

#endif
