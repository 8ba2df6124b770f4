// Key-encryption key rings (see kek_ring.hpp).
#include "keeper/model/kek_ring.hpp"

#include "core/sealed_blob.hpp"

#include <boost/json.hpp>

namespace vk::keeper {
namespace {

// The decoded key, or a problem at `key` of r.
std::optional<secret> decoded(object_reader& r, std::string_view key, const secret& configured)
{
    auto raw = decode_kek(configured);
    if (!raw)
    {
        r.problem(key, raw.error().message);
        return std::nullopt;
    }
    return std::move(*raw);
}

std::optional<kek_ring> read_rotating(object_reader& r, std::string_view key)
{
    auto o = r.object(key, need::required);
    if (!o)
        return std::nullopt;
    kek_ring ring;
    bool ok = false;
    if (auto cur = o->secret_value("current", need::required))
        if (auto k = decoded(*o, "current", *cur))
        {
            ring.current = std::move(*k);
            ok = true;
        }
    o->each_secret("previous", [&](object_reader& element, const std::string& index, secret s) {
        if (auto k = decoded(element, index, s))
            ring.previous.push_back(std::move(*k));
        else
            ok = false;
    });
    o->finish();
    return ok ? std::optional<kek_ring>(std::move(ring)) : std::nullopt;
}

}  // namespace

std::optional<kek_ring> read_kek(object_reader& r, std::string_view key)
{
    const boost::json::value* v = r.raw(key);
    if (v && v->is_object() && !v->as_object().contains("file") && !v->as_object().contains("env"))
        return read_rotating(r, key);
    auto configured = r.secret_value(key, need::required);
    if (!configured)
        return std::nullopt;
    auto k = decoded(r, key, *configured);
    if (!k)
        return std::nullopt;
    return kek_ring{std::move(*k), {}};
}

std::vector<std::size_t> kek_candidates(const std::optional<std::string>& blob_id,
                                        const std::vector<std::string>& ring_ids)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < ring_ids.size(); ++i)
        if (!blob_id || ring_ids[i] == *blob_id)
            out.push_back(i);
    return out;
}

result<std::string> seal_object(const kek_ring& ring, std::string_view name, std::string_view plaintext)
{
    return seal_blob_with_id(ring.current, name, plaintext);
}

result<opened_object> open_object(const kek_ring& ring, std::string_view name, std::string_view sealed)
{
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < ring.size(); ++i)
        ids.push_back(kek_id(ring.key(i)));
    auto id = blob_key_id(sealed);
    auto candidates = kek_candidates(id, ids);
    if (candidates.empty())
    {
        // No configured key has its id: the current key's failure, saying why it could not open.
        auto plain = open_blob(ring.current, name, sealed);
        if (plain)
            return opened_object{std::move(*plain), 0};
        error e = plain.error();
        e.message += "; its key is none of those configured";
        return e;
    }
    error last = make_error(errc::bad_response, "object " + std::string(name) + " does not open");
    for (std::size_t i : candidates)
    {
        auto plain = open_blob(ring.key(i), name, sealed);
        if (plain)
            return opened_object{std::move(*plain), i};
        last = plain.error();
    }
    return last;
}

std::optional<std::int64_t> old_kek_first_seen(std::optional<std::int64_t> since, int old_objects,
                                               std::int64_t now)
{
    if (old_objects <= 0)
        return std::nullopt;
    return since.value_or(now);
}

std::string encode_old_kek_since(const std::map<std::string, std::int64_t>& since)
{
    boost::json::object stores;
    for (const auto& [store, unix] : since)
        stores[store] = unix;
    return boost::json::serialize(boost::json::object{{"old_kek_since", std::move(stores)}});
}

result<std::map<std::string, std::int64_t>> decode_old_kek_since(std::string_view text)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    const auto* o = !ec && v.is_object() ? v.as_object().if_contains("old_kek_since") : nullptr;
    if (!o || !o->is_object())
        return make_error(errc::bad_response, "not an {\"old_kek_since\": {...}} object");
    std::map<std::string, std::int64_t> out;
    for (const auto& [store, unix] : o->as_object())
    {
        if (!unix.is_int64())
            return make_error(errc::bad_response,
                              "old_kek_since of store " + std::string(store) + " is not a whole number");
        out[std::string(store)] = unix.as_int64();
    }
    return out;
}

}  // namespace vk::keeper
