// Transit secrets engine (see transit.hpp). Messages are those of Vault's builtin/logical/transit and
// sdk/helper/keysutil/policy.go.
#include "transit.hpp"

#include "barrier.hpp"
#include "codec.hpp"

#include <charconv>
#include <variant>

namespace vsim::transit {

namespace {

constexpr std::string_view prefix = "vault:v";

std::string key_path(const mount_entry& m, std::string_view name)
{
    return m.data_prefix() + "policy/" + std::string(name);
}

// A stored key: {"latest": N, "min_dec": N, "min_enc": N, "versions": {"1": {"key": hex, "time": unix}}}.
struct key_policy
{
    std::string name;
    json::object o;

    std::int64_t latest() const { return int_at(o, "latest"); }
    std::int64_t min_dec() const { return int_at(o, "min_dec"); }
    std::int64_t min_enc() const { return int_at(o, "min_enc"); }
    json::object& versions() { return o["versions"].as_object(); }
};

std::optional<key_policy> load(const call& c, std::string_view name)
{
    auto o = stored_object(c.st, key_path(c.mount, name));
    if (!o)
        return std::nullopt;
    return key_policy{std::string(name), std::move(*o)};
}

void save(call& c, const key_policy& k)
{
    c.st.put(key_path(c.mount, k.name), json::serialize(k.o));
}

void add_version(key_policy& k, std::int64_t now_s)
{
    std::int64_t v = k.latest() + 1;
    k.o["latest"] = v;
    k.versions()[std::to_string(v)] =
        json::object{{"key", hex_encode(random_bytes(barrier::key_size))}, {"time", now_s}};
}

key_policy create(call& c, std::string_view name)
{
    key_policy k{std::string(name),
                 json::object{{"latest", 0}, {"min_dec", 1}, {"min_enc", 0}, {"versions", json::object{}}}};
    add_version(k, c.now_ns / 1000000000);
    save(c, k);
    return k;
}

bytes version_key(key_policy& k, std::int64_t v)
{
    auto* e = k.versions().if_contains(std::to_string(v));
    return e ? hex_decode(string_at(e->as_object(), "key")).value_or(bytes{}) : bytes{};
}

json::object read_data(key_policy& k)
{
    json::object keys;
    for (auto& [v, e] : k.versions())
        keys[v] = int_at(e.as_object(), "time");
    return json::object{{"allow_plaintext_backup", false},
                        {"auto_rotate_period", 0},
                        {"deletion_allowed", false},
                        {"derived", false},
                        {"exportable", false},
                        {"imported_key", false},
                        {"keys", std::move(keys)},
                        {"latest_version", k.latest()},
                        {"min_available_version", 0},
                        {"min_decryption_version", k.min_dec()},
                        {"min_encryption_version", k.min_enc()},
                        {"name", k.name},
                        {"supports_decryption", true},
                        {"supports_derivation", true},
                        {"supports_encryption", true},
                        {"supports_signing", false},
                        {"type", "aes256-gcm96"}};
}

// The version encrypt uses: key_version if given (not below min_encryption_version), else the latest.
std::optional<std::int64_t> encrypt_version(const call& c, const key_policy& k, std::string& err)
{
    auto asked = weak_int(field(c.req, "key_version"));
    if (!asked || *asked == 0)
        return k.latest();
    if (*asked > k.latest() || *asked < std::max<std::int64_t>(k.min_enc(), 1))
    {
        err = "requested version for encryption is less than the minimum encryption key version";
        if (*asked > k.latest())
            err = "requested version for encryption is higher than the latest key version";
        return std::nullopt;
    }
    return *asked;
}

std::string seal(key_policy& k, std::int64_t v, const std::string& plain)
{
    std::string blob = barrier::encrypt(version_key(k, v), plain, k.name);
    return std::string(prefix) + std::to_string(v) + ":" + base64_encode(bytes(blob.begin(), blob.end()));
}

struct opened
{
    std::string plaintext;
    std::int64_t version = 0;
};

// Policy.Decrypt's checks, in its order; the error is Vault's message (a 400).
std::variant<opened, std::string> open(key_policy& k, std::string_view ct)
{
    if (ct.substr(0, 6) != "vault:")
        return std::string("invalid ciphertext: no prefix");
    ct.remove_prefix(6);
    auto colon = ct.find(':');
    if (colon == std::string_view::npos || ct.empty() || ct[0] != 'v')
        return std::string("invalid ciphertext: wrong number of fields");
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(ct.data() + 1, ct.data() + colon, v);
    if (ec != std::errc{} || p != ct.data() + colon)
        return std::string("invalid ciphertext: version number could not be decoded");
    v = std::max<std::int64_t>(v, 1);
    if (v > k.latest())
        return std::string("invalid ciphertext: version is too new");
    if (k.min_dec() > 0 && v < k.min_dec())
        return std::string("ciphertext or signature version is disallowed by policy (too old)");
    auto raw = base64_decode(ct.substr(colon + 1));
    if (!raw)
        return std::string("invalid ciphertext: could not decode base64");
    auto plain = barrier::decrypt(version_key(k, v), std::string(raw->begin(), raw->end()), k.name);
    if (!plain)
        return std::string("cipher: message authentication failed");
    return opened{std::move(*plain), v};
}

response ciphertext_response(const call& c, std::string ct, std::int64_t v)
{
    return ok(json::object{{"ciphertext", std::move(ct)}, {"key_version", v}}, c.mount.mount_type());
}

response encrypt(call& c, std::string_view name)
{
    json::value pt = field(c.req, "plaintext");
    if (!pt.is_string())
        return error(400, {"missing plaintext to encrypt"});
    auto plain = base64_decode(pt.get_string());
    if (!plain)
        return error(400, {"failed to base64-decode plaintext"});
    auto k = load(c, name);
    if (!k)
        k = create(c, name);
    std::string err;
    auto v = encrypt_version(c, *k, err);
    if (!v)
        return error(400, {err});
    return ciphertext_response(c, seal(*k, *v, std::string(plain->begin(), plain->end())), *v);
}

// decrypt/<k> and rewrap/<k>: open the ciphertext, then answer its plaintext or reseal it at the latest.
response open_or_rewrap(call& c, std::string_view name, bool rewrap)
{
    json::value ct = field(c.req, "ciphertext");
    if (!ct.is_string())
        return error(400, {"missing ciphertext to decrypt"});
    auto k = load(c, name);
    if (!k)
        return error(400, {"encryption key not found"});
    auto r = open(*k, ct.get_string());
    if (auto* err = std::get_if<std::string>(&r))
        return error(400, {*err});
    auto& o = std::get<opened>(r);
    if (rewrap)
        return ciphertext_response(c, seal(*k, k->latest(), o.plaintext), k->latest());
    return ok(json::object{{"plaintext", base64_encode(bytes(o.plaintext.begin(), o.plaintext.end()))}},
              c.mount.mount_type());
}

// keys/<k>/config: the two minimum versions, each bounded by the versions that exist.
response configure(call& c, key_policy& k)
{
    auto dec = weak_int(field(c.req, "min_decryption_version"));
    auto enc = weak_int(field(c.req, "min_encryption_version"));
    std::int64_t new_dec = dec ? *dec : k.min_dec();
    std::int64_t new_enc = enc ? *enc : k.min_enc();
    if (new_dec > k.latest())
        return error(400, {"cannot set min decryption version of " + std::to_string(new_dec) +
                           ", latest key version is " + std::to_string(k.latest())});
    if (new_enc > k.latest())
        return error(400, {"cannot set min encryption version of " + std::to_string(new_enc) +
                           " greater than the latest key version " + std::to_string(k.latest())});
    if (new_enc != 0 && new_enc < new_dec)
        return error(400, {"min encryption version should not be less than min decryption version"});
    k.o["min_dec"] = new_dec < 1 ? 1 : new_dec;
    k.o["min_enc"] = new_enc;
    save(c, k);
    return ok(read_data(k), c.mount.mount_type());
}

response keys(call& c, std::string_view rest)
{
    std::string_view name = rest;
    std::string_view action;
    if (auto slash = rest.find('/'); slash != std::string_view::npos)
    {
        name = rest.substr(0, slash);
        action = rest.substr(slash + 1);
    }
    auto k = load(c, name);
    if (action.empty() && c.op == "read")
        return k ? ok(read_data(*k), c.mount.mount_type()) : not_found();
    if (action.empty() && (c.op == "create" || c.op == "update"))
    {
        auto type = field(c.req, "type");
        if (type.is_string() && type.get_string() != "aes256-gcm96")
            return error(400, {"unknown key type: " + std::string(type.get_string())});
        if (!k)
            k = create(c, name);
        return ok(read_data(*k), c.mount.mount_type());
    }
    if (action.empty() && c.op == "delete")
        return error(400, {"deletion is not allowed for this key"});
    if (c.op != "create" && c.op != "update")
        return error(405, {"unsupported operation"});
    if (!k)
        return error(400,
                     {action == "rotate" ? "key not found"
                                         : "no existing key named " + std::string(name) + " could be found"});
    if (action == "rotate")
    {
        add_version(*k, c.now_ns / 1000000000);
        save(c, *k);
        return ok(read_data(*k), c.mount.mount_type());
    }
    if (action == "config")
        return configure(c, *k);
    return error(404, {"unsupported path"});
}

}  // namespace

bool exists(const storage& st, const mount_entry& m, std::string_view rel)
{
    auto name = path_below(rel, "encrypt/");
    return !name || st.find(key_path(m, *name)) != nullptr;
}

response handle(call& c)
{
    if (c.op == "list" && c.rel == "keys/")
    {
        std::vector<std::string> names = c.st.list(c.mount.data_prefix() + "policy/");
        return list_response(std::move(names), c.mount.mount_type());
    }
    if (auto rest = path_below(c.rel, "keys/"))
        return keys(c, *rest);
    bool write = c.op == "create" || c.op == "update";
    if (auto name = path_below(c.rel, "encrypt/"); name && write)
        return encrypt(c, *name);
    if (auto name = path_below(c.rel, "decrypt/"); name && write)
        return open_or_rewrap(c, *name, false);
    if (auto name = path_below(c.rel, "rewrap/"); name && write)
        return open_or_rewrap(c, *name, true);
    return error(404, {"unsupported path"});
}

}  // namespace vsim::transit
