// libFuzzer: the Consul KV, session, index and transaction decoders on arbitrary bytes (untrusted server
// input). Property: a value or a decode error, never a throw, a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "consul/model/codec.hpp"
#include "consul/model/txn.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace c = vk::consul;
    std::string_view body(reinterpret_cast<const char*>(data), size);
    (void)c::decode_entries(body);
    (void)c::decode_keys(body);
    (void)c::decode_bool(body);
    (void)c::decode_session_id(body);
    (void)c::decode_sessions(body);
    (void)c::decode_txn(200, body);
    (void)c::decode_txn(409, body);
    (void)c::parse_index(body);
    return 0;
}
