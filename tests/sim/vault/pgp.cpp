#include "pgp.hpp"

#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace vsim {
namespace fs = std::filesystem;

namespace {

// A private GNUPGHOME, removed when done.
struct scratch_dir
{
    fs::path path;
    scratch_dir()
    {
        std::string tmpl = (fs::temp_directory_path() / "vault-sim-pgp.XXXXXX").string();
        if (::mkdtemp(tmpl.data()))
            path = tmpl;
    }
    ~scratch_dir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

bool write_file(const fs::path& p, const std::string& data)
{
    std::ofstream f(p, std::ios::binary);
    f << data;
    return bool(f.flush());
}

// gpg exits 0 having written `out`.
bool run_gpg(const fs::path& home, const fs::path& key, const fs::path& in, const fs::path& out)
{
    std::vector<std::string> args{
        "gpg",    "--homedir",        home.string(), "--batch",  "--quiet",    "--no-tty",  "--trust-model",
        "always", "--recipient-file", key.string(),  "--output", out.string(), "--encrypt", in.string()};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (::posix_spawnp(&pid, "gpg", nullptr, nullptr, argv.data(), environ) != 0)
        return false;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The body of the first packet of `key` when it is a version 4 public-key packet (RFC 4880 4.2, 5.5.2), in
// either header format.
std::optional<bytes> public_key_body(const bytes& key)
{
    if (key.size() < 2 || !(key[0] & 0x80))
        return std::nullopt;
    std::size_t tag = 0, len = 0, at = 1;
    if (key[0] & 0x40)  // new format: one, two or five length octets
    {
        tag = key[0] & 0x3f;
        if (key[1] < 192)
            len = key[1], at = 2;
        else if (key[1] < 224 && key.size() > 2)
            len = ((key[1] - 192u) << 8) + key[2] + 192u, at = 3;
        else if (key[1] == 255 && key.size() > 5)
            len = (std::size_t{key[2]} << 24) | (std::size_t{key[3]} << 16) | (key[4] << 8) | key[5], at = 6;
        else
            return std::nullopt;
    }
    else  // old format: the length type in the low two bits
    {
        tag = (key[0] >> 2) & 0x0f;
        const std::size_t octets = std::size_t{1} << (key[0] & 3);
        if ((key[0] & 3) == 3 || key.size() < 1 + octets)
            return std::nullopt;
        for (std::size_t i = 0; i < octets; ++i)
            len = (len << 8) | key[1 + i];
        at = 1 + octets;
    }
    if (tag != 6 || key.size() < at + len || len < 1 || key[at] != 4)
        return std::nullopt;
    return bytes(key.begin() + static_cast<std::ptrdiff_t>(at),
                 key.begin() + static_cast<std::ptrdiff_t>(at + len));
}

}  // namespace

std::optional<std::vector<std::string>> pgp_fingerprints(const std::vector<std::string>& keys_b64)
{
    std::vector<std::string> out;
    for (const auto& k : keys_b64)
    {
        auto key = base64_decode(k);
        auto body = key ? public_key_body(*key) : std::nullopt;
        if (!body || body->size() > 0xffff)
            return std::nullopt;
        // RFC 4880 12.2: SHA-1 over 0x99, the body's two-octet length and the body.
        bytes framed{0x99, static_cast<std::uint8_t>(body->size() >> 8),
                     static_cast<std::uint8_t>(body->size())};
        framed.insert(framed.end(), body->begin(), body->end());
        bytes digest(SHA_DIGEST_LENGTH);
        SHA1(framed.data(), framed.size(), digest.data());
        out.push_back(hex_encode(digest));
    }
    return out;
}

std::variant<std::vector<bytes>, coded_error> pgp_encrypt(const std::vector<std::string>& keys_b64,
                                                          const std::vector<std::string>& plaintexts)
{
    scratch_dir dir;
    if (dir.path.empty())
        return coded_error{500, "vault-sim: no temporary directory for gpg"};
    std::vector<bytes> out;
    for (std::size_t i = 0; i < keys_b64.size() && i < plaintexts.size(); ++i)
    {
        auto key = base64_decode(keys_b64[i]);
        auto key_file = dir.path / "key", in = dir.path / "in", msg = dir.path / "msg";
        fs::remove(msg);
        if (!key || !write_file(key_file, std::string(key->begin(), key->end())) ||
            !write_file(in, plaintexts[i]) || !run_gpg(dir.path, key_file, in, msg))
            return coded_error{400, "error encrypting keys: parsing PGP key " + std::to_string(i)};
        std::ifstream f(msg, std::ios::binary);
        out.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    return out;
}

std::vector<std::string> string_array(const boost::json::value* v)
{
    std::vector<std::string> out;
    if (v && v->is_array())
        for (const auto& e : v->as_array())
            out.emplace_back(e.is_string() ? std::string(e.as_string()) : std::string());
    return out;
}

std::optional<coded_error> encrypt_keys(boost::json::object& out, const std::vector<std::string>& pgp_keys)
{
    std::vector<std::string> hex;
    for (const auto& k : out.at("keys").as_array())
        hex.emplace_back(k.as_string());
    auto sealed = pgp_encrypt(pgp_keys, hex);
    if (auto* msgs = std::get_if<std::vector<bytes>>(&sealed))
    {
        boost::json::array keys, keys_b64;
        for (const auto& m : *msgs)
        {
            keys.emplace_back(hex_encode(m));
            keys_b64.emplace_back(base64_encode(m));
        }
        out["keys"] = std::move(keys);
        out["keys_base64"] = std::move(keys_b64);
        return std::nullopt;
    }
    return coded_error{500, "vault-sim: encrypting the shares failed after the keys were probed"};
}

std::optional<coded_error> probe_keys(const std::vector<std::string>& pgp_keys)
{
    auto probe = pgp_encrypt(pgp_keys, std::vector<std::string>(pgp_keys.size(), "probe"));
    if (auto* err = std::get_if<coded_error>(&probe))
        return *err;
    return std::nullopt;
}

}  // namespace vsim
