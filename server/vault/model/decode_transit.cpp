// Decoders of the transit secrets engine's answers (see decode.hpp).
#include "vault/model/decode.hpp"
#include "vault/model/json_reader.hpp"

namespace vk::vault {
using detail::json_reader;
using detail::malformed;

namespace {

// data.<field> as a non-empty string.
result<std::string> data_string(std::string_view body, std::string_view field)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader r(&*d);
    auto s = r.str(field);
    if (r.ok() && s.empty())
        r.fail("no data." + std::string(field));
    if (!r.ok())
        return malformed(r.problem());
    return s;
}

}  // namespace

result<std::string> decode_transit_ciphertext(std::string_view body)
{
    return data_string(body, "ciphertext");
}

result<std::string> decode_transit_plaintext(std::string_view body)
{
    return data_string(body, "plaintext");
}

result<transit_key_info> decode_transit_key(std::string_view body)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader r(&*d);
    transit_key_info k{r.i64("latest_version"), r.i64("min_decryption_version")};
    if (r.ok() && k.latest_version < 1)
        r.fail("no data.latest_version");
    if (!r.ok())
        return malformed(r.problem());
    return k;
}

}  // namespace vk::vault
