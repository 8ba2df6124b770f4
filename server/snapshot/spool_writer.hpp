// Where a snapshot lands while it downloads: a file in spool_dir written through atomic_file, optionally
// wrapped in an OpenSSL CMS envelope for an X.509 recipient as it streams (`openssl cms -decrypt -inform DER`
// opens it), with the SHA-256 of the bytes stored computed on the way. The bytes reach the disk through a
// disk_batch (a MiB at a time, from the blocking pool). Memory: that MiB and one CMS block buffer.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SPOOL_WRITER_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SPOOL_WRITER_HPP

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vk::snapshot {

struct spooled_file
{
    std::filesystem::path path;
    std::uint64_t size = 0;  // bytes stored (the envelope when encrypted)
    std::string sha256;      // hex, of the bytes stored
};

class spool_writer
{
public:
    // Opens "<dir>/<name>" (under a temp name until commit). With `recipient_cert` (PEM file) the content is
    // CMS-enveloped (AES-256-CBC) for it. errc::io_error / invalid_argument (unreadable certificate).
    static result<std::unique_ptr<spool_writer>> open(const std::filesystem::path& dir,
                                                      const std::string& name,
                                                      const std::optional<std::string>& recipient_cert);
    ~spool_writer();

    // The next plaintext bytes of the snapshot (valid until the call completes).
    boost::asio::awaitable<result<void>> write(std::string_view plaintext);
    // Ends the envelope, writes the rest, fsyncs and renames into place.
    boost::asio::awaitable<result<spooled_file>> commit();
    // Removes what was written (a failed download) on the blocking pool, waited: a failed cycle ends with an
    // empty spool as an ok one does. Dropped without commit or discard (a cancelled cycle), the file is
    // unlinked there unwaited.
    boost::asio::awaitable<void> discard();

    struct impl;

private:
    explicit spool_writer(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::snapshot

#endif
