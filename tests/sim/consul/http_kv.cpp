// /v1/kv/<key>: GET (single, recurse, keys, raw, blocking), PUT (flags, cas, acquire, release), DELETE.
#include <charconv>

#include "consul_sim.hpp"
#include "txn.hpp"
#include "wire.hpp"

namespace csim {

namespace asio = boost::asio;
using simc::text_response;

namespace {

// A KV miss: 404 with an empty body (the meta headers are added by the caller).
simc::response not_found_empty()
{
    simc::response res;
    res.status = 404;
    return res;
}

simc::response missing_key()
{
    return text_response(400, "Missing key name");
}

// Parses an unsigned query parameter; false when present but not a number.
bool uint_param(const simc::request& req, std::string_view name, std::optional<std::uint64_t>& out)
{
    auto* text = req.param(name);
    if (!text)
        return true;
    std::uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || ptr != text->data() + text->size())
        return false;
    out = v;
    return true;
}

std::string entries_json(const std::vector<const dir_entry*>& entries)
{
    std::string body = "[";
    for (std::size_t i = 0; i < entries.size(); ++i)
    {
        if (i)
            body += ',';
        append_entry(body, *entries[i]);
    }
    body += ']';
    return body;
}

}  // namespace

asio::awaitable<simc::response> sim::kv_get(request& req, std::string key)
{
    bool recurse = req.has_param("recurse");
    bool keys = req.has_param("keys");
    if (!recurse && !keys && key.empty())
        co_return missing_key();
    if (!recurse && !keys)
    {
        if (auto denied = deny(req, "key:read", key))
            co_return std::move(*denied);
        bool raw = req.has_param("raw");
        // Named before the co_await: GCC 12 mis-destroys a temporary converted into a coroutine argument.
        std::function<std::pair<response, std::uint64_t>()> compute =
            [this, key, raw]() -> std::pair<response, std::uint64_t> {
            auto* e = state_.kv.get(key);
            if (!e)
                return {not_found_empty(), state_.kv.key_index(key)};
            if (!raw)
                return {simc::json_text(entries_json({e})), e->modify_index};
            simc::response res;
            res.body = e->value;
            res.set("Content-Type", "text/plain");
            res.set("X-Content-Type-Options", "nosniff");
            res.set("Content-Security-Policy", "sandbox");
            return {std::move(res), e->modify_index};
        };
        co_return co_await blocking(req, kv_watch_, key, false, std::move(compute));
    }
    // Lists are filtered by ACL rather than refused: the anonymous token sees nothing.
    bool visible = list_allowed(req);
    auto* sep = req.param("separator");
    if (!sep)
        sep = req.param("seperator");
    std::string separator = sep ? *sep : "";
    std::function<std::pair<response, std::uint64_t>()> compute =
        [this, key, keys, visible, separator]() -> std::pair<response, std::uint64_t> {
        auto index = state_.kv.prefix_index(key);
        if (keys)
        {
            auto names = visible ? state_.kv.keys(key, separator) : std::vector<std::string>{};
            // An empty listing of the root is [], of any other prefix 404.
            if (names.empty() && !key.empty())
                return {not_found_empty(), index};
            std::string body = "[";
            for (std::size_t i = 0; i < names.size(); ++i)
            {
                if (i)
                    body += ',';
                append_json_string(body, names[i]);
            }
            return {simc::json_text(body + "]"), index};
        }
        auto entries = visible ? state_.kv.list(key) : std::vector<const dir_entry*>{};
        if (entries.empty())
            return {not_found_empty(), index};
        return {simc::json_text(entries_json(entries)), index};
    };
    co_return co_await blocking(req, kv_watch_, key, true, std::move(compute));
}

simc::response sim::kv_put(request& req, const std::string& key)
{
    if (key.empty())
        return missing_key();
    if (auto denied = deny(req, "key:write", key))
        return std::move(*denied);
    if (req.body.size() > max_value_size)
        return text_response(
            413, "Request body(" + std::to_string(req.body.size()) +
                     " bytes) too large, max size: " + std::to_string(max_value_size) +
                     " bytes. See https://www.consul.io/docs/agent/config/config-files#kv_max_value_size.");
    std::optional<std::uint64_t> flags, cas;
    if (!uint_param(req, "flags", flags))
        return text_response(400, "Invalid flags");
    if (!uint_param(req, "cas", cas))
        return text_response(400, "Invalid cas value");
    auto* acquire = req.param("acquire");
    auto* release = req.param("release");
    if (int(cas.has_value()) + int(acquire != nullptr) + int(release != nullptr) > 1)
        return text_response(400, "Conflicting flags: " + encode_query(req.query));
    auto idx = state_.next_index();
    bool ok = true;
    if (acquire || release)
    {
        const std::string& session = acquire ? *acquire : *release;
        if (session.empty())
            return text_response(500, "missing session");
        if (acquire && !state_.sessions.find(session))
            return text_response(500, "invalid session \"" + session + "\"");
        if (acquire)
            ok = !state_.kv.lock_delayed(key, state_.now()) &&
                 state_.kv.lock(idx, key, std::move(req.body), flags.value_or(0), session);
        else
            ok = state_.kv.unlock(idx, key, std::move(req.body), flags.value_or(0), session);
    }
    else if (cas)
    {
        ok = state_.kv.cas(idx, key, std::move(req.body), flags.value_or(0), *cas);
    }
    else
    {
        state_.kv.set(idx, key, std::move(req.body), flags.value_or(0));
    }
    if (ok)
        kv_watch_.notify(key);
    return simc::json_text(ok ? "true" : "false");
}

simc::response sim::kv_delete(request& req, const std::string& key)
{
    bool recurse = req.has_param("recurse");
    if (!recurse && key.empty())
        return missing_key();
    if (auto denied = deny(req, "key:write", key))
        return std::move(*denied);
    std::optional<std::uint64_t> cas;
    if (!uint_param(req, "cas", cas))
        return text_response(400, "Invalid cas value");
    if (recurse && cas)
        return text_response(400, "Conflicting flags: " + encode_query(req.query));
    auto idx = state_.next_index();
    bool ok = true;
    if (cas)
        ok = state_.kv.del_cas(idx, key, *cas);
    else if (recurse)
        state_.kv.del_tree(idx, key);
    else
        state_.kv.del(idx, key);
    kv_watch_.notify(key, recurse);
    return simc::json_text(ok ? "true" : "false");
}

}  // namespace csim
