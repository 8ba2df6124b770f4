// The --decrypt-snapshot command (see decrypt_command.hpp): synchronous, one 1 MiB slice at a time.
#include "snapshot/decrypt_command.hpp"

#include "core/read_file.hpp"
#include "snapshot/model/archive_verifier.hpp"
#include "snapshot/model/cms_decryptor.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace vk::snapshot {
namespace {

result<archive_summary> decrypt(std::ifstream& in, std::ofstream& out, cms_decryptor& d)
{
    archive_verifier verifier;
    std::string buf(1 << 20, '\0');
    std::string plain;
    for (bool last = false; !last;)
    {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        last = !in;
        if (in.bad())
            return make_error(errc::io_error, "reading the snapshot failed");
        plain.clear();
        auto r = d.feed(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())), plain);
        if (r && last)
            r = d.finish(plain);
        if (!r)
            return r.error();
        if (auto v = verifier.feed(plain); !v)
            return v.error();
        if (!out.write(plain.data(), static_cast<std::streamsize>(plain.size())))
            return make_error(errc::io_error, "writing the decrypted snapshot failed");
    }
    return verifier.finish();
}

}  // namespace

int decrypt_snapshot_command(const std::string& in_path, const std::string& cert, const std::string& key,
                             const std::string& out_path)
{
    auto cert_pem = read_file(cert);
    auto key_pem = read_file(key);
    if (!cert_pem || !key_pem)
        return std::cerr << "vaultkeeper: cannot read " << (cert_pem ? key : cert) << "\n", 1;
    auto recipient = cms_recipient::from_pem(*cert_pem, *key_pem);
    if (!recipient)
        return std::cerr << "vaultkeeper: " << recipient.error().message << "\n", 1;
    std::ifstream in(in_path, std::ios::binary);
    if (!in)
        return std::cerr << "vaultkeeper: cannot read " << in_path << "\n", 1;
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    if (!out)
        return std::cerr << "vaultkeeper: cannot create " << out_path << "\n", 1;
    cms_decryptor d(std::move(*recipient));
    auto summary = decrypt(in, out, d);
    out.close();
    if (!summary || !out)
    {
        std::remove(out_path.c_str());
        return std::cerr << "vaultkeeper: " << in_path << ": "
                         << (summary ? "writing " + out_path + " failed" : summary.error().message) << "\n",
               1;
    }
    std::cout << out_path << ": decrypted and verified (raft index " << summary->index << ", term "
              << summary->term << ")\n";
    return 0;
}

}  // namespace vk::snapshot
