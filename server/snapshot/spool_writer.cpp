// Spooling with optional streamed CMS encryption (see spool_writer.hpp). CMS output goes into a memory BIO
// that is drained after every write, so encrypted and plain bytes take the same path: hash, then file.
#include "snapshot/spool_writer.hpp"

#include "snapshot/disk_batch.hpp"
#include "snapshot/model/sha256.hpp"
#include "snapshot/publish_file.hpp"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <vector>

namespace vk::snapshot {
namespace {

std::string openssl_reason()
{
    char buf[256] = "unknown OpenSSL error";
    if (const auto e = ERR_get_error())
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

error crypto_error(std::string what)
{
    return make_error(errc::internal, what + ": " + openssl_reason());
}

// The CMS envelope: plaintext in at `top`, DER out of `sink` (a memory BIO).
struct envelope
{
    CMS_ContentInfo* cms = nullptr;
    BIO* sink = nullptr;
    BIO* top = nullptr;

    ~envelope()
    {
        // Pop the CMS filters off the chain down to the sink, then free the sink.
        while (top && top != sink)
        {
            BIO* next = BIO_pop(top);
            BIO_free(top);
            top = next;
        }
        BIO_free(sink);
        CMS_ContentInfo_free(cms);
    }
};

result<std::unique_ptr<envelope>> open_envelope(const std::string& cert_file)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_file(cert_file.c_str(), "r"), &BIO_free);
    X509* cert = in ? PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr) : nullptr;
    if (!cert)
        return make_error(errc::invalid_argument,
                          "cannot read the recipient certificate: " + openssl_reason(), {}, cert_file);
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> certs(
        sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); });
    sk_X509_push(certs.get(), cert);
    auto env = std::make_unique<envelope>();
    // CMS_STREAM: a partial structure whose content is written later through BIO_new_CMS.
    env->cms = CMS_encrypt(certs.get(), nullptr, EVP_aes_256_cbc(), CMS_BINARY | CMS_STREAM);
    env->sink = BIO_new(BIO_s_mem());
    if (!env->cms || !env->sink)
        return crypto_error("CMS_encrypt");
    env->top = BIO_new_CMS(env->sink, env->cms);
    if (!env->top)
        return crypto_error("BIO_new_CMS");
    return env;
}

}  // namespace

struct spool_writer::impl
{
    io::atomic_file file;
    unlink_off_thread guard{file};
    std::unique_ptr<envelope> env;
    sha256_hasher sha;
    std::uint64_t size = 0;
    std::filesystem::path final_path;
    disk_batch disk{[this](std::string_view bytes) { return file.write(bytes); }};

    boost::asio::awaitable<result<void>> store(std::string_view bytes)
    {
        sha.update(bytes);
        size += bytes.size();
        co_return co_await disk.add(bytes);
    }

    // Moves what the envelope produced so far towards the file.
    boost::asio::awaitable<result<void>> drain()
    {
        char* data = nullptr;
        const long n = BIO_get_mem_data(env->sink, &data);
        if (n <= 0)
            co_return result<void>();
        auto r = co_await store(std::string_view(data, static_cast<std::size_t>(n)));
        (void)BIO_reset(env->sink);
        co_return r;
    }
};

spool_writer::spool_writer(std::unique_ptr<impl> p)
    : impl_(std::move(p))
{
}
spool_writer::~spool_writer() = default;

result<std::unique_ptr<spool_writer>> spool_writer::open(const std::filesystem::path& dir,
                                                         const std::string& name,
                                                         const std::optional<std::string>& recipient_cert)
{
    auto file = create_atomic_file(dir / name);
    if (!file)
        return file.error();
    auto p = std::make_unique<impl>(std::move(*file));
    p->final_path = dir / name;
    if (recipient_cert)
    {
        auto env = open_envelope(*recipient_cert);
        if (!env)
            return env.error();
        p->env = std::move(*env);
    }
    return std::unique_ptr<spool_writer>(new spool_writer(std::move(p)));
}

boost::asio::awaitable<result<void>> spool_writer::write(std::string_view plaintext)
{
    if (!impl_->env)
        co_return co_await impl_->store(plaintext);
    if (!plaintext.empty() &&
        BIO_write(impl_->env->top, plaintext.data(), static_cast<int>(plaintext.size())) <= 0)
        co_return crypto_error("CMS encryption");
    co_return co_await impl_->drain();
}

boost::asio::awaitable<result<spooled_file>> spool_writer::commit()
{
    if (impl_->env)
    {
        // BIO_flush on the CMS filter writes the last block and the closing DER.
        if (BIO_flush(impl_->env->top) <= 0)
            co_return crypto_error("CMS finalisation");
        if (auto r = co_await impl_->drain(); !r)
            co_return r.error();
    }
    if (auto r = co_await impl_->disk.finish([this] { return impl_->file.publish(); }); !r)
        co_return r.error();
    co_return spooled_file{impl_->final_path, impl_->size, impl_->sha.hex_digest()};
}

boost::asio::awaitable<void> spool_writer::discard()
{
    if (auto temp = impl_->file.abandon(); !temp.empty())
        co_await unlink_on_pool(std::move(temp));
}

}  // namespace vk::snapshot
