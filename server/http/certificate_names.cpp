// Reads the verified peer certificate's names with OpenSSL: the subject in RFC 2253 form (as
// `openssl x509 -noout -subject -nameopt RFC2253` prints it) and the email, DNS
// and URI alternative names (other types name no token entry, so they are left out).
#include "http/certificate_names.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace vk::http {

namespace {

std::string rfc2253_subject(X509* cert)
{
    BIO* bio = BIO_new(BIO_s_mem());
    if (!bio)
        return "";
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, n > 0 ? static_cast<std::size_t>(n) : 0);
    BIO_free(bio);
    return out;
}

std::string ia5_text(const ASN1_IA5STRING* s)
{
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::vector<std::string> alternative_names(X509* cert)
{
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names)
        return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i)
    {
        const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
        if (n->type == GEN_EMAIL)
            out.push_back("email:" + ia5_text(n->d.rfc822Name));
        else if (n->type == GEN_DNS)
            out.push_back("dns:" + ia5_text(n->d.dNSName));
        else if (n->type == GEN_URI)
            out.push_back("uri:" + ia5_text(n->d.uniformResourceIdentifier));
    }
    GENERAL_NAMES_free(names);
    return out;
}

}  // namespace

std::shared_ptr<const peer_certificate> verified_peer_certificate(ssl_st* ssl)
{
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert)
        return nullptr;
    std::shared_ptr<const peer_certificate> out;
    if (SSL_get_verify_result(ssl) == X509_V_OK)
        out = std::make_shared<const peer_certificate>(
            peer_certificate{rfc2253_subject(cert), alternative_names(cert)});
    X509_free(cert);
    return out;
}

}  // namespace vk::http
