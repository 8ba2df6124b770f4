// Incremental gunzip + tar reading: compressed bytes go in as they arrive, members come out as events, so
// an archive of any size is read with memory for one buffer (raft snapshot restores of tens of GiB).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_ARCHIVE_READER_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_ARCHIVE_READER_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vsim {

// What a tar_gz_reader reports, member by member. A returned error stops the reading; it is the error.
class tar_member_sink
{
public:
    virtual ~tar_member_sink() = default;
    // A member of `size` bytes starts (the PAX size when an 'x' header carried one).
    virtual std::optional<std::string> begin_member(std::string_view name, std::uint64_t size) = 0;
    // The member's next bytes, in order; their sizes add up to the announced size.
    virtual std::optional<std::string> member_data(std::string_view data) = 0;
    virtual std::optional<std::string> end_member() = 0;
};

// ustar headers (octal or base-256 sizes), PAX extended headers ('x': size and path records; 'g' skipped),
// the end-of-archive block, inside one gzip stream.
class tar_gz_reader
{
public:
    explicit tar_gz_reader(tar_member_sink& sink);
    ~tar_gz_reader();
    tar_gz_reader(const tar_gz_reader&) = delete;
    tar_gz_reader& operator=(const tar_gz_reader&) = delete;

    // Feeds compressed bytes. Errors: bad gzip data, data after the gzip stream, bad tar header checksum,
    // oversized PAX header, or the sink's error. After an error further feeds return it again.
    std::optional<std::string> feed(std::string_view compressed);
    // The input ended: an error unless the gzip stream and the tar archive both ended.
    std::optional<std::string> finish();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace vsim

#endif
