// vaultkeeper --decrypt-snapshot IN --cert C --key K --out OUT: opens an encrypt_for snapshot by hand with
// flat memory (openssl cms -decrypt reads the whole file), checking the archive as it goes.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_DECRYPT_COMMAND_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_DECRYPT_COMMAND_HPP

#include <string>

namespace vk::snapshot {

// Exit status: 0 with OUT the verified archive; 1 with the reason on stderr and no OUT left behind.
int decrypt_snapshot_command(const std::string& in, const std::string& cert, const std::string& key,
                             const std::string& out);

}  // namespace vk::snapshot

#endif
