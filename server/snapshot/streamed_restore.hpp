// Restore's two passes, for a snapshot the spool cannot hold: nothing is written to disk. Pass 1 downloads
// the stored object through decryption and the archive verifier and keeps the archive's SHA-256 and size;
// pass 2 downloads it again and streams it into sys/storage/raft/snapshot[-force], hashing as it goes and
// holding back the last piece until the hash matches pass 1's. On a mismatch the request body stops short
// (the connection is closed before it completes), so Vault never receives a complete snapshot that did not
// verify.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_STREAMED_RESTORE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_STREAMED_RESTORE_HPP

#include "snapshot/model/cms_decryptor.hpp"
#include "snapshot/model/stored_stream.hpp"
#include "snapshot/snapshot_storage.hpp"
#include "vault/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

namespace vk::snapshot {

// Pass 1: `object` downloaded, decrypted with `recipient` (null: stored as it is) and verified. Errors: the
// storage's, bad_response naming the object when it does not open or verify.
boost::asio::awaitable<result<stream_summary>>
verify_streamed(snapshot_storage& st, std::string object, std::shared_ptr<const cms_recipient> recipient);

// Pass 2: `object` streamed into `node`'s raft restore, checked against pass 1's `verified`. bad_response
// "the snapshot changed between the verification and the restore" when it differs (Vault got an
// incomplete body); otherwise the storage's or Vault's error.
boost::asio::awaitable<result<void>> restore_streamed(vault::client& node, snapshot_storage& st,
                                                      std::string object,
                                                      std::shared_ptr<const cms_recipient> recipient,
                                                      stream_summary verified, bool force);

}  // namespace vk::snapshot

#endif
