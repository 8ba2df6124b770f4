// OpenSSL context construction; errors name the file, never its content.
#include "http/tls.hpp"

namespace vk::http::detail {
namespace ssl = boost::asio::ssl;

namespace {

error load_error(std::string_view what, const std::string& file, const boost::system::error_code& ec)
{
    return make_error(errc::invalid_argument, std::string(what) + " '" + file + "': " + ec.message());
}

std::shared_ptr<ssl::context> base_context(ssl::context::method m)
{
    auto ctx = std::make_shared<ssl::context>(m);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    return ctx;
}

}  // namespace

result<std::shared_ptr<ssl::context>> make_client_context(const tls_client_options& o)
{
    auto ctx = base_context(ssl::context::tls_client);
    boost::system::error_code ec;
    ctx->set_verify_mode(o.skip_verify ? ssl::verify_none : ssl::verify_peer, ec);
    // A configured CA replaces the system store, as the Vault and Consul Go clients do: trusting every public
    // CA as well would let any of them vouch for a host that should only ever show the private CA's
    // certificate.
    if (o.ca_file.empty() && o.ca_path.empty() && o.ca_pem.empty())
        ctx->set_default_verify_paths(ec);
    if (!o.ca_file.empty() && (ctx->load_verify_file(o.ca_file, ec), ec))
        return load_error("cannot load CA file", o.ca_file, ec);
    if (!o.ca_path.empty() && (ctx->add_verify_path(o.ca_path, ec), ec))
        return load_error("cannot use CA path", o.ca_path, ec);
    if (!o.ca_pem.empty() && (ctx->add_certificate_authority(boost::asio::buffer(o.ca_pem), ec), ec))
        return make_error(errc::invalid_argument, "cannot load the CA certificate data: " + ec.message());
    if (o.cert_file.empty() != o.key_file.empty())
        return make_error(errc::invalid_argument, "client certificate and key must be given together");
    if (!o.cert_file.empty())
    {
        if (ctx->use_certificate_chain_file(o.cert_file, ec), ec)
            return load_error("cannot load client certificate", o.cert_file, ec);
        if (ctx->use_private_key_file(o.key_file, ssl::context::pem, ec), ec)
            return load_error("cannot load client key", o.key_file, ec);
    }
    return ctx;
}

result<std::shared_ptr<ssl::context>> make_server_context(const tls_server_options& o)
{
    auto ctx = base_context(ssl::context::tls_server);
    boost::system::error_code ec;
    if (ctx->use_certificate_chain_file(o.cert_file, ec), ec)
        return load_error("cannot load certificate", o.cert_file, ec);
    if (ctx->use_private_key_file(o.key_file, ssl::context::pem, ec), ec)
        return load_error("cannot load key", o.key_file, ec);
    if (o.client_ca_file.empty())
        return ctx;
    if (ctx->load_verify_file(o.client_ca_file, ec), ec)
        return load_error("cannot load client CA file", o.client_ca_file, ec);
    // The CA names go to the client in the CertificateRequest, so it knows which of its certificates to show.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.client_ca_file.c_str()))
        SSL_CTX_set_client_CA_list(ctx->native_handle(), names);
    auto mode = ssl::verify_peer | (o.require_client_cert ? ssl::verify_fail_if_no_peer_cert : 0);
    if (ctx->set_verify_mode(mode, ec), ec)
        return load_error("cannot verify clients with", o.client_ca_file, ec);
    return ctx;
}

}  // namespace vk::http::detail
