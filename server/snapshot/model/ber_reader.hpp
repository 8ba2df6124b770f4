// Reading BER (X.690) as the CMS decryptor needs it: one TLV header at a time over bytes that may stop
// anywhere, so that a caller fed a stream in arbitrary pieces can ask again once more bytes have come.
// Low-tag-number form only; definite and indefinite lengths (lengths up to 8 bytes).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_BER_READER_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_BER_READER_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vk::snapshot::ber {

// One BER header: tag (low-tag-number form only), length or indefinite.
struct tlv
{
    unsigned char tag = 0;
    bool indefinite = false;
    std::uint64_t length = 0;
};

enum class step
{
    ok,
    more,  // the bytes so far end inside it
    bad,
};

// The bytes seen so far and how far they have been read.
struct cursor
{
    std::string_view data;
    std::size_t pos = 0;
    std::string_view rest() const { return data.substr(pos); }
};

// One header at c.pos: ok (c moves past it), more (c unmoved), or bad (a high tag number, an indefinite
// primitive, a length over 8 bytes).
step read_header(cursor& c, tlv& t);

// A whole definite-length TLV with this tag: its value (and, in `whole`, its encoding); c moves past it.
step read_whole(cursor& c, unsigned char tag, std::string_view& value, std::string_view* whole = nullptr);

}  // namespace vk::snapshot::ber

#endif
