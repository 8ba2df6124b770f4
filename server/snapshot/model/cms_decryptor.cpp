// Streaming CMS EnvelopedData decryption (see cms_decryptor.hpp). The envelope's head (up to the start of the
// encrypted content) is buffered and parsed again as bytes arrive, since it is small; the content, a
// primitive OCTET STRING or a constructed one of chunks (indefinite length when streamed), goes through
// EVP as it comes.
#include "snapshot/model/cms_decryptor.hpp"

#include "snapshot/model/ber_reader.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>

namespace vk::snapshot {

struct cms_recipient::impl
{
    std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, &X509_free};
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, &EVP_PKEY_free};
};

namespace {

using ber::cursor;
using ber::read_header;
using ber::read_whole;
using ber::step;
using ber::tlv;

constexpr std::size_t max_head = 1 << 20;  // recipients and algorithms: a few KiB in practice

// DER contents of the OIDs this reads.
constexpr std::string_view enveloped_data_oid{"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03", 9};
constexpr std::string_view rsa_encryption_oid{"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9};
constexpr std::string_view rsaes_oaep_oid{"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x07", 9};

error bad_envelope(std::string message)
{
    return make_error(errc::bad_response, "the encrypted snapshot " + message);
}

template <class T> std::string der_of(int (*i2d)(const T*, unsigned char**), const T* x)
{
    const int n = i2d(x, nullptr);
    if (n <= 0)
        return {};
    std::string out(static_cast<std::size_t>(n), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    i2d(x, &p);
    return out;
}

// The parts of the envelope's head the decryption needs.
struct head
{
    std::string recipients;  // the RecipientInfos SET's contents
    std::string cipher_oid;  // the content encryption algorithm's OID TLV
    std::string iv;
    int open_indefinite =
        0;                 // containers left open with an indefinite length: as many end-of-contents follow
    tlv content;           // the encryptedContent's header
    std::size_t size = 0;  // bytes of the head, content header included
};

#define VK_STEP(expr)                                                                                        \
    if (auto s_ = (expr); s_ != step::ok)                                                                    \
        return s_;

step open(cursor& c, unsigned char tag, head& h)
{
    tlv t;
    VK_STEP(read_header(c, t));
    if (t.tag != tag)
        return step::bad;
    h.open_indefinite += t.indefinite ? 1 : 0;
    return step::ok;
}

step parse_algorithm(std::string_view alg, head& h)
{
    cursor c{alg};
    std::string_view oid, oid_tlv, iv;
    if (read_whole(c, 0x06, oid, &oid_tlv) != step::ok || read_whole(c, 0x04, iv) != step::ok)
        return step::bad;
    h.cipher_oid = oid_tlv;
    h.iv = iv;
    return step::ok;
}

// ContentInfo { envelopedData, [0] EnvelopedData { version, [0] originatorInfo?, RecipientInfos,
// EncryptedContentInfo { contentType, algorithm, [0] encryptedContent ... } } }.
step parse_head(std::string_view bytes, head& h)
{
    h = head{};
    cursor c{bytes};
    std::string_view v, alg;
    VK_STEP(open(c, 0x30, h));
    VK_STEP(read_whole(c, 0x06, v));
    if (v != enveloped_data_oid)
        return step::bad;
    VK_STEP(open(c, 0xa0, h));
    VK_STEP(open(c, 0x30, h));
    VK_STEP(read_whole(c, 0x02, v));
    if (c.rest().empty())
        return step::more;
    if (static_cast<unsigned char>(c.rest()[0]) == 0xa0)
        VK_STEP(read_whole(c, 0xa0, v));  // originatorInfo: not needed
    VK_STEP(read_whole(c, 0x31, v));
    h.recipients = v;
    VK_STEP(open(c, 0x30, h));
    VK_STEP(read_whole(c, 0x06, v));
    VK_STEP(read_whole(c, 0x30, alg));
    VK_STEP(parse_algorithm(alg, h));
    VK_STEP(read_header(c, h.content));
    if (h.content.tag != 0x80 && h.content.tag != 0xa0)
        return step::bad;  // no content: a detached envelope cannot be a stored snapshot
    h.open_indefinite += h.content.indefinite ? 1 : 0;
    h.size = c.pos;
    return step::ok;
}

#undef VK_STEP

// The content key from the recipient info addressed to this certificate (issuer and serial, or its subject
// key identifier); bad_response when none is, or the key does not open it.
result<std::string> content_key(std::string_view recipients, const cms_recipient::impl& me)
{
    const std::string issuer = der_of<X509_NAME>(&i2d_X509_NAME, X509_get_issuer_name(me.cert.get()));
    const std::string serial = der_of<ASN1_INTEGER>(&i2d_ASN1_INTEGER, X509_get0_serialNumber(me.cert.get()));
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(me.cert.get());
    cursor all{recipients};
    while (!all.rest().empty())
    {
        std::string_view ktri, v, rid, name, number, alg, oid, encrypted;
        if (read_whole(all, 0x30, ktri) != step::ok)
        {
            tlv other;  // another kind of recipient info (key agreement, KEK, password): skipped
            if (read_header(all, other) != step::ok || other.indefinite || all.rest().size() < other.length)
                return bad_envelope("has a malformed recipient list");
            all.pos += other.length;
            continue;
        }
        cursor c{ktri};
        if (read_whole(c, 0x02, v) != step::ok || c.rest().empty())
            return bad_envelope("has a malformed recipient");
        bool mine = false;
        if (static_cast<unsigned char>(c.rest()[0]) == 0x30)
        {
            if (read_whole(c, 0x30, rid) != step::ok)
                return bad_envelope("has a malformed recipient");
            cursor r{rid};
            std::string_view issuer_tlv, serial_tlv;
            if (read_whole(r, 0x30, name, &issuer_tlv) != step::ok ||
                read_whole(r, 0x02, number, &serial_tlv) != step::ok)
                return bad_envelope("has a malformed recipient");
            mine = issuer_tlv == issuer && serial_tlv == serial;
        }
        else if (read_whole(c, 0x80, rid) == step::ok)
            mine = ski && rid == std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)),
                                                  static_cast<std::size_t>(ASN1_STRING_length(ski)));
        else
            return bad_envelope("has a malformed recipient");
        if (read_whole(c, 0x30, alg) != step::ok || read_whole(c, 0x04, encrypted) != step::ok)
            return bad_envelope("has a malformed recipient");
        if (!mine)
            continue;
        cursor a{alg};
        if (read_whole(a, 0x06, oid) != step::ok)
            return bad_envelope("has a malformed key transport algorithm");
        int padding = 0;
        if (oid == rsa_encryption_oid)
            padding = RSA_PKCS1_PADDING;
        else if (oid == rsaes_oaep_oid && a.rest().empty())  // OAEP with its defaults (SHA-1, MGF1-SHA-1)
            padding = RSA_PKCS1_OAEP_PADDING;
        else
            return bad_envelope(
                "uses a key transport other than RSA (PKCS#1 v1.5 or default OAEP): not supported");
        std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
            EVP_PKEY_CTX_new(me.key.get(), nullptr), &EVP_PKEY_CTX_free);
        std::size_t n = 0;
        const auto* in = reinterpret_cast<const unsigned char*>(encrypted.data());
        if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
            EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding) <= 0 ||
            EVP_PKEY_decrypt(ctx.get(), nullptr, &n, in, encrypted.size()) <= 0)
            return bad_envelope(
                "is addressed to this certificate, but its key cannot decrypt it (not an RSA key?)");
        std::string key(n, '\0');
        if (EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(key.data()), &n, in,
                             encrypted.size()) <= 0)
        {
            ERR_clear_error();
            return bad_envelope(
                "does not open with the decrypt_with key (wrong key, or a tampered envelope)");
        }
        key.resize(n);
        return key;
    }
    return bad_envelope(
        "has no recipient matching the decrypt_with certificate (encrypted for another one?)");
}

}  // namespace

struct cms_decryptor::state
{
    std::shared_ptr<const cms_recipient> recipient;
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> cipher{EVP_CIPHER_CTX_new(),
                                                                           &EVP_CIPHER_CTX_free};
    enum class phase
    {
        head,
        chunk_header,  // between the chunks of a constructed content
        chunk,         // inside one primitive piece of the content
        trailer,       // the end-of-contents of the containers left open
        done,
        failed,
    } at = phase::head;
    std::string buffered;  // the head, then a partial header
    head h;
    std::uint64_t left_in_chunk = 0;
    bool outer_definite = false;  // a constructed content of definite length: `outer_left` bytes
    std::uint64_t outer_left = 0;
    int nested = 0;  // constructed pieces open inside the content (indefinite ones end with end-of-contents)
    int eocs_left = 0;
    std::uint64_t plaintext = 0;
    error failure;  // once failed, every call answers it

    result<void> fail(error e)
    {
        at = phase::failed;
        failure = e;
        return e;
    }

    result<void> start_content()
    {
        auto key = content_key(h.recipients, recipient->get());
        if (!key)
            return key.error();
        std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(nullptr, &ASN1_OBJECT_free);
        const auto* p = reinterpret_cast<const unsigned char*>(h.cipher_oid.data());
        obj.reset(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(h.cipher_oid.size())));
        const EVP_CIPHER* c = obj ? EVP_get_cipherbyobj(obj.get()) : nullptr;
        if (!c || EVP_CIPHER_get_mode(c) != EVP_CIPH_CBC_MODE)
            return bad_envelope("uses a content cipher other than AES-CBC: not supported");
        if (static_cast<int>(key->size()) != EVP_CIPHER_get_key_length(c) ||
            static_cast<int>(h.iv.size()) != EVP_CIPHER_get_iv_length(c))
            return bad_envelope(
                "does not open with the decrypt_with key (wrong key, or a tampered envelope)");
        if (EVP_DecryptInit_ex(cipher.get(), c, nullptr, reinterpret_cast<const unsigned char*>(key->data()),
                               reinterpret_cast<const unsigned char*>(h.iv.data())) != 1)
            return bad_envelope("content cipher could not start");
        OPENSSL_cleanse(key->data(), key->size());
        eocs_left = h.open_indefinite - (h.content.indefinite ? 1 : 0);
        if (h.content.tag == 0x80)
        {
            left_in_chunk = h.content.length;
            at = left_in_chunk ? phase::chunk : phase::trailer;
        }
        else
        {
            outer_definite = !h.content.indefinite;
            outer_left = h.content.length;
            at = outer_definite && outer_left == 0 ? phase::trailer : phase::chunk_header;
        }
        return {};
    }

    result<void> decrypt(std::string_view in, std::string& out)
    {
        const auto before = out.size();
        out.resize(before + in.size() + EVP_MAX_BLOCK_LENGTH);
        int n = 0;
        if (EVP_DecryptUpdate(cipher.get(), reinterpret_cast<unsigned char*>(out.data() + before), &n,
                              reinterpret_cast<const unsigned char*>(in.data()),
                              static_cast<int>(in.size())) != 1)
            return bad_envelope("content does not decrypt");
        out.resize(before + static_cast<std::size_t>(n));
        plaintext += static_cast<std::uint64_t>(n);
        return {};
    }

    // Bytes of a constructed definite content consumed: when it is all read, the trailer follows.
    void consumed(std::uint64_t n)
    {
        if (!outer_definite)
            return;
        outer_left -= std::min(outer_left, n);
    }

    // One header between chunks (buffered until whole): a piece, a nested constructed piece, or an end.
    result<void> chunk_header(std::string_view& in)
    {
        while (!in.empty() && at == phase::chunk_header)
        {
            buffered.push_back(in.front());
            in.remove_prefix(1);
            cursor c{buffered};
            tlv t;
            const auto s = read_header(c, t);
            if (s == step::more)
                continue;
            if (s == step::bad)
                return bad_envelope("content is malformed");
            consumed(c.pos);
            buffered.clear();
            if (t.tag == 0 && t.length == 0)
            {
                if (nested == 0)
                    return bad_envelope("content is malformed");  // the content's own end: handled below
                --nested;
            }
            else if (t.tag == 0x24 || t.tag == 0x04)
            {
                if (t.tag == 0x24)
                    ++nested;
                else
                {
                    left_in_chunk = t.length;
                    at = left_in_chunk ? phase::chunk : phase::chunk_header;
                }
            }
            else
                return bad_envelope("content is malformed");
            if (at == phase::chunk_header && outer_definite && outer_left == 0)
                at = phase::trailer;
        }
        return {};
    }

    result<void> step_content(std::string_view& in, std::string& out)
    {
        if (at == phase::chunk_header && !outer_definite && nested == 0 && buffered.empty() &&
            in.size() >= 1 && in.front() == '\0')
        {
            // The end-of-contents of an indefinite content: the trailer counts it with the others.
            ++eocs_left;
            at = phase::trailer;
            return {};
        }
        if (at == phase::chunk_header)
            return chunk_header(in);
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left_in_chunk, in.size()));
        if (auto r = decrypt(in.substr(0, n), out); !r)
            return r;
        in.remove_prefix(n);
        left_in_chunk -= n;
        consumed(n);
        if (left_in_chunk == 0)
            at = h.content.tag == 0x80 || (outer_definite && outer_left == 0) ? phase::trailer
                                                                              : phase::chunk_header;
        return {};
    }

    result<void> step_trailer(std::string_view& in)
    {
        while (!in.empty() && at == phase::trailer)
        {
            if (eocs_left == 0)
                return bad_envelope("has bytes after its end");
            buffered.push_back(in.front());
            in.remove_prefix(1);
            if (buffered.size() < 2)
                continue;
            if (buffered != std::string_view("\0\0", 2))
                return bad_envelope(
                    "ends with something else than its end-of-contents (unprotected attributes?)");
            buffered.clear();
            if (--eocs_left == 0)
                at = phase::done;
        }
        if (!in.empty())
            return bad_envelope("has bytes after its end");
        return {};
    }

    result<void> feed(std::string_view in, std::string& out)
    {
        if (at == phase::head)
        {
            buffered.append(in);
            in = {};
            const auto s = parse_head(buffered, h);
            if (s == step::bad)
                return bad_envelope("is not a CMS EnvelopedData this can open");
            if (s == step::more && buffered.size() > max_head)
                return bad_envelope("has a head over 1 MiB (recipients)");
            if (s == step::more)
                return {};
            if (auto r = start_content(); !r)
                return r;
            std::string rest = buffered.substr(h.size);
            buffered.clear();
            return feed_content(rest, out);
        }
        return feed_content(in, out);
    }

    result<void> feed_content(std::string_view in, std::string& out)
    {
        while (!in.empty())
        {
            if (at == phase::done)
                return bad_envelope("has bytes after its end");
            auto r = at == phase::trailer ? step_trailer(in) : step_content(in, out);
            if (!r)
                return r;
        }
        if (at == phase::trailer && eocs_left == 0)
            at = phase::done;
        return {};
    }
};

cms_recipient::cms_recipient(std::unique_ptr<impl> i)
    : impl_(std::move(i))
{
}

cms_recipient::~cms_recipient() = default;

result<std::shared_ptr<const cms_recipient>> cms_recipient::from_pem(std::string_view cert_pem,
                                                                     std::string_view key_pem)
{
    auto i = std::make_unique<impl>();
    std::unique_ptr<BIO, decltype(&BIO_free)> c(
        BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), &BIO_free);
    i->cert.reset(c ? PEM_read_bio_X509(c.get(), nullptr, nullptr, nullptr) : nullptr);
    std::unique_ptr<BIO, decltype(&BIO_free)> k(
        BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), &BIO_free);
    i->key.reset(k ? PEM_read_bio_PrivateKey(k.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!i->cert)
        return make_error(errc::invalid_argument, "decrypt_with: cert_file holds no PEM certificate");
    if (!i->key)
        return make_error(errc::invalid_argument, "decrypt_with: key_file holds no PEM private key");
    if (X509_check_private_key(i->cert.get(), i->key.get()) != 1)
    {
        ERR_clear_error();
        return make_error(errc::invalid_argument, "decrypt_with: the key is not the certificate's");
    }
    return std::shared_ptr<const cms_recipient>(new cms_recipient(std::move(i)));
}

cms_decryptor::cms_decryptor(std::shared_ptr<const cms_recipient> recipient)
    : s_(std::make_unique<state>())
{
    s_->recipient = std::move(recipient);
}

cms_decryptor::~cms_decryptor() = default;
cms_decryptor::cms_decryptor(cms_decryptor&&) noexcept = default;

result<void> cms_decryptor::feed(std::string_view bytes, std::string& out)
{
    if (s_->at == state::phase::failed)
        return s_->failure;
    auto r = s_->feed(bytes, out);
    if (!r)
        return s_->fail(r.error());
    return r;
}

result<void> cms_decryptor::finish(std::string& out)
{
    if (s_->at == state::phase::failed)
        return s_->failure;
    if (s_->at != state::phase::done)
        return s_->fail(bad_envelope("is truncated"));
    const auto before = out.size();
    out.resize(before + EVP_MAX_BLOCK_LENGTH);
    int n = 0;
    if (EVP_DecryptFinal_ex(s_->cipher.get(), reinterpret_cast<unsigned char*>(out.data() + before), &n) != 1)
    {
        ERR_clear_error();
        out.resize(before);
        return s_->fail(bad_envelope("content does not decrypt (wrong key, or a tampered envelope)"));
    }
    out.resize(before + static_cast<std::size_t>(n));
    s_->plaintext += static_cast<std::uint64_t>(n);
    return {};
}

std::uint64_t cms_decryptor::plaintext_bytes() const
{
    return s_->plaintext;
}

}  // namespace vk::snapshot
