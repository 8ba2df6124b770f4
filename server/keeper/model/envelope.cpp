// Envelope blobs and the transit kek form (see envelope.hpp).
#include "keeper/model/envelope.hpp"

#include "core/sealed_blob.hpp"

#include <boost/json/value.hpp>
#include <charconv>
#include <openssl/rand.h>

namespace vk::keeper {
namespace {

constexpr std::string_view magic = "VKT1";
constexpr std::size_t length_size = 4;
constexpr std::size_t data_key_size = 32;

error not_envelope(std::string_view name, std::string_view why)
{
    return make_error(errc::bad_response,
                      "object " + std::string(name) + " is not a transit envelope: " + std::string(why));
}

// scheme://host:port without a trailing slash, so "http://a:1/" and "http://a:1" are one Vault.
std::string_view bare(std::string_view address)
{
    while (address.ends_with('/'))
        address.remove_suffix(1);
    return address;
}

}  // namespace

std::string encode_envelope(const envelope& e)
{
    std::string out(magic);
    auto n = static_cast<std::uint32_t>(e.wrap.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((n >> shift) & 0xff));
    return out + e.wrap + e.body;
}

bool is_envelope(std::string_view blob) noexcept
{
    return blob.starts_with(magic);
}

result<envelope> decode_envelope(std::string_view name, std::string_view blob)
{
    if (!is_envelope(blob) || blob.size() < magic.size() + length_size)
        return not_envelope(name, "no VKT1 header");
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < length_size; ++i)
        n = (n << 8) | static_cast<unsigned char>(blob[magic.size() + i]);
    std::string_view rest = blob.substr(magic.size() + length_size);
    if (n == 0 || n > rest.size())
        return not_envelope(name, "the wrapped key's length is " + std::to_string(n) + " of " +
                                      std::to_string(rest.size()) + " bytes left");
    envelope e{std::string(rest.substr(0, n)), std::string(rest.substr(n))};
    if (!wrap_version(e.wrap))
        return not_envelope(name, "the wrapped key is not a transit ciphertext");
    return e;
}

std::optional<std::int64_t> wrap_version(std::string_view wrap) noexcept
{
    constexpr std::string_view prefix = "vault:v";
    if (!wrap.starts_with(prefix))
        return std::nullopt;
    wrap.remove_prefix(prefix.size());
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(wrap.data(), wrap.data() + wrap.size(), v);
    if (ec != std::errc() || v < 1 || end == wrap.data() + wrap.size() || *end != ':')
        return std::nullopt;
    return v;
}

result<secret> new_data_key()
{
    std::string key(data_key_size, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
        return make_error(errc::internal, "no random bytes for a data key");
    return secret(std::move(key), "data key");
}

result<std::string> seal_envelope(const secret& data_key, std::string wrap, std::string_view name,
                                  std::string_view plaintext)
{
    auto body = seal_blob(data_key, name, plaintext);
    if (!body)
        return body.error();
    return encode_envelope({std::move(wrap), std::move(*body)});
}

result<std::string> rewrap_envelope(std::string_view name, envelope e, std::string new_wrap)
{
    if (!wrap_version(new_wrap))
        return not_envelope(name, "the rewrapped key is not a transit ciphertext");
    e.wrap = std::move(new_wrap);
    return encode_envelope(e);
}

result<std::string> open_envelope(const secret& data_key, std::string_view name, const envelope& e)
{
    return open_blob(data_key, name, e.body);
}

bool is_transit_kek(object_reader& r, std::string_view key)
{
    const boost::json::value* v = r.raw(key);
    return v && v->is_object() && v->as_object().contains("transit");
}

std::optional<transit_kek> read_transit_kek(object_reader& r, std::string_view key, const vk::config& cfg,
                                            const std::string& job_vault)
{
    auto k = r.object(key, need::required);
    if (!k)
        return std::nullopt;
    auto t = k->object("transit", need::required);
    k->finish();
    if (!t)
        return std::nullopt;
    transit_kek out;
    out.vault = t->string("vault", need::required).value_or("");
    out.key = t->string("key", need::required).value_or("");
    out.mount = t->string_or("mount", out.mount);
    bool ok = !out.vault.empty() && !out.key.empty() && !out.mount.empty();
    auto it = cfg.vaults.find(out.vault);
    auto own = cfg.vaults.find(job_vault);
    if (!out.vault.empty() && it == cfg.vaults.end())
        t->problem("vault", "no vault named \"" + out.vault + "\" in /vaults");
    else if (it != cfg.vaults.end() &&
             (out.vault == job_vault ||
              (own != cfg.vaults.end() && bare(own->second.address) == bare(it->second.address))))
        t->problem("vault", "is the Vault this job unseals (" + job_vault +
                                "): its transit key could not be reached while it is sealed");
    else if (it != cfg.vaults.end())
        out.access = it->second;
    t->finish();
    if (!ok || it == cfg.vaults.end() || out.access.name.empty())
        return std::nullopt;
    return out;
}

}  // namespace vk::keeper
