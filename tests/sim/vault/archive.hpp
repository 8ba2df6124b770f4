// gzip-compressed tar, written incrementally and read back whole: the container of raft snapshots.
// (archive_reader.hpp reads one incrementally.)
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_ARCHIVE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_ARCHIVE_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// OpenSSL's EVP_MD_CTX, without its headers.
struct evp_md_ctx_st;

namespace vsim {

// Writes tar members through gzip; compressed bytes accumulate in take_output() so a caller can stream
// them as they are produced instead of holding the whole archive.
class tar_gz_writer
{
public:
    // level: a zlib level; 0 (stored blocks) makes a large archive cheap to produce.
    explicit tar_gz_writer(int level = 1);
    ~tar_gz_writer();
    tar_gz_writer(const tar_gz_writer&) = delete;
    tar_gz_writer& operator=(const tar_gz_writer&) = delete;

    // A member of exactly `size` bytes follows through write() calls.
    void begin_file(std::string_view name, std::uint64_t size);
    void write(std::string_view data);
    void end_file();
    void add_file(std::string_view name, std::string_view contents);
    // Writes the two zero blocks of the tar end and the gzip trailer.
    void finish();
    // Compressed bytes produced so far (and not yet taken).
    std::string take_output();
    std::size_t pending_output() const { return out_.size(); }
    // Members above this size carry a PAX size record (ustar's own field ends at 8 GiB); tests lower it to
    // see the large-member format on small archives.
    void pax_sizes_above(std::uint64_t size) { pax_above_ = size; }

private:
    void deflate_bytes(std::string_view data, bool final);
    struct zstate;
    std::unique_ptr<zstate> z_;
    std::string out_;
    std::uint64_t file_remaining_ = 0;
    std::uint64_t file_size_ = 0;
    std::uint64_t pax_above_ = 077777777777ull;
};

struct tar_member
{
    std::string name;
    std::string data;
};

// Gunzips and untars a whole archive. Errors: bad gzip stream or trailer, truncated tar, bad header checksum.
std::variant<std::vector<tar_member>, std::string> read_tar_gz(std::string_view archive);

// Lowercase hex SHA-256 of data.
std::string sha256_digest_hex(std::string_view data);

// SHA-256 over data that arrives in pieces; digest() and hex() end it (call one of them once).
class sha256_hasher
{
public:
    sha256_hasher();
    void update(std::string_view data);
    std::string digest();  // 32 raw bytes
    std::string hex();     // lowercase hex

private:
    std::unique_ptr<::evp_md_ctx_st, void (*)(::evp_md_ctx_st*)> ctx_;
};

}  // namespace vsim

#endif
