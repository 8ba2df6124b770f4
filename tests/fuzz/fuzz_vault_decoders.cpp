// libFuzzer: every decoder of Vault replies (untrusted server input) on arbitrary bytes. Property: a decoder
// returns a value or an error — no throw escapes, no crash, no sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vault/errors.hpp"
#include "vault/model/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace v = vk::vault;
    std::string_view body(reinterpret_cast<const char*>(data), size);
    unsigned status = size > 0 ? 200u + data[0] % 400u : 200u;
    (void)v::decode_health(status, body);
    (void)v::decode_seal_status(body);
    (void)v::decode_init(body);
    (void)v::decode_leader(body);
    (void)v::decode_mounts(body);
    (void)v::decode_capabilities(body, {"secret/metadata/", "kv/"});
    (void)v::decode_token_lookup(body);
    (void)v::decode_auth(body);
    (void)v::decode_kv2_read(body);
    (void)v::decode_kv2_write(body);
    (void)v::decode_kv2_metadata(body);
    (void)v::decode_list(body);
    (void)v::decode_kv1_read(body);
    (void)v::decode_rekey_status(body);
    (void)v::decode_rekey_update(body);
    (void)v::decode_rekey_verify(body);
    (void)v::decode_raft_configuration(body);
    (void)v::decode_ha_status(body);
    (void)v::decode_raft_join(body);
    return 0;
}
