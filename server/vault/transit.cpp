// Transit engine operations (see transit.hpp).
#include "vault/transit.hpp"

#include "core/base64.hpp"
#include "vault/errors.hpp"
#include "vault/model/decode.hpp"
#include "vault/ops_util.hpp"

#include <boost/json/object.hpp>

namespace vk::vault {
namespace asio = boost::asio;
namespace json = boost::json;
using detail::fetch;
using detail::to_json;

namespace {

// POST <mount>/<op>/<key> {field: value}: data.ciphertext. Not retried: the answer is new each time.
asio::awaitable<result<std::string>> ciphertext_of(client& c, std::string path, std::string_view field,
                                                   std::string_view value)
{
    call req;
    req.method = "POST";
    req.path = std::move(path);
    req.body = to_json(json::object{{field, value}});
    co_return co_await fetch(c, req, &decode_transit_ciphertext);
}

}  // namespace

asio::awaitable<result<std::string>> transit_encrypt(client& c, std::string_view mount, std::string_view key,
                                                     const secret& plaintext)
{
    co_return co_await ciphertext_of(c, mount_path(mount, "encrypt", key), "plaintext",
                                     base64_encode(plaintext.reveal()));
}

asio::awaitable<result<secret>> transit_decrypt(client& c, std::string_view mount, std::string_view key,
                                                std::string_view ciphertext)
{
    call req;
    req.method = "POST";
    req.path = mount_path(mount, "decrypt", key);
    req.idempotent = true;  // decrypting twice answers the same
    req.body = to_json(json::object{{"ciphertext", ciphertext}});
    auto text = co_await fetch(c, req, &decode_transit_plaintext);
    if (!text)
        co_return text.error();
    auto raw = base64_decode(*text);
    if (!raw)
        co_return c.located(make_error(errc::bad_response, "malformed reply: plaintext is not base64"),
                            req.path);
    co_return secret(std::move(*raw), "transit " + std::string(key));
}

asio::awaitable<result<std::string>> transit_rewrap(client& c, std::string_view mount, std::string_view key,
                                                    std::string_view ciphertext)
{
    co_return co_await ciphertext_of(c, mount_path(mount, "rewrap", key), "ciphertext", ciphertext);
}

asio::awaitable<result<transit_key_info>> transit_read_key(client& c, std::string_view mount,
                                                           std::string_view key)
{
    call req;
    req.path = mount_path(mount, "keys", key);
    co_return co_await fetch(c, req, &decode_transit_key);
}

}  // namespace vk::vault
