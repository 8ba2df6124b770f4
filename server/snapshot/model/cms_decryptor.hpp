// Streaming decryption of a CMS EnvelopedData (what encrypt_for writes: OpenSSL's CMS_encrypt with
// CMS_STREAM, indefinite-length BER, RSA key transport, AES-CBC content). OpenSSL has no streaming CMS
// decrypt (openssl cms -decrypt reads the whole file), so this parses the envelope itself: no I/O, bytes in
// at any boundary, plaintext out as it is decrypted, memory bounded by the envelope's header (recipients)
// whatever the content's size.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_CMS_DECRYPTOR_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_CMS_DECRYPTOR_HPP

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vk::snapshot {

// The recipient's certificate and private key (PEM), checked to belong together.
class cms_recipient
{
public:
    // errc::invalid_argument naming what is wrong (not PEM, the key does not match the certificate).
    static result<std::shared_ptr<const cms_recipient>> from_pem(std::string_view cert_pem,
                                                                 std::string_view key_pem);
    ~cms_recipient();

    struct impl;
    const impl& get() const { return *impl_; }

private:
    explicit cms_recipient(std::unique_ptr<impl> i);
    std::unique_ptr<impl> impl_;
};

class cms_decryptor
{
public:
    explicit cms_decryptor(std::shared_ptr<const cms_recipient> recipient);
    ~cms_decryptor();
    cms_decryptor(cms_decryptor&&) noexcept;

    // Feeds the next bytes of the envelope and appends the plaintext they complete to `out`. Errors
    // (bad_response): not an EnvelopedData, no recipient for this certificate, a key that does not open the
    // content key, an unsupported algorithm, bytes after the envelope. After an error every call fails.
    result<void> feed(std::string_view bytes, std::string& out);
    // After the last byte: the envelope must be complete and the content's padding right (a wrong key or a
    // tampered content shows here at the latest); appends the last plaintext.
    result<void> finish(std::string& out);

    std::uint64_t plaintext_bytes() const;

    struct state;

private:
    std::unique_ptr<state> s_;
};

}  // namespace vk::snapshot

#endif
