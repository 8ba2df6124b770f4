// What a verified client certificate says about its holder: its subject and its subject alternative names,
// plain data so that who-may-do-what (api/model/access) can map it to a token entry without OpenSSL.
#ifndef VAULTKEEPER_SERVER_CORE_PEER_CERTIFICATE_HPP
#define VAULTKEEPER_SERVER_CORE_PEER_CERTIFICATE_HPP

#include <string>
#include <vector>

namespace vk {

struct peer_certificate
{
    std::string subject;            // RFC 2253, most specific first: "CN=deployer,O=Example"
    std::vector<std::string> sans;  // "email:ops@example", "dns:ci.example", "uri:spiffe://example/ci"
};

}  // namespace vk

#endif
