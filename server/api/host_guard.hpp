// Refuses requests whose Host names a host the admin API does not answer for (DNS rebinding: a page of
// evil.example whose name is made to resolve to 127.0.0.1 sends "Host: evil.example:8290"). An IP literal,
// "localhost" and the names configured in admin.hosts are accepted, with the listen port or no port.
#ifndef VAULTKEEPER_SERVER_API_HOST_GUARD_HPP
#define VAULTKEEPER_SERVER_API_HOST_GUARD_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vk::api {

// `host_header` as sent ("127.0.0.1:8290", "[::1]:8290", "vault-ops.example"); names compare without case.
bool host_allowed(std::string_view host_header, std::uint16_t listen_port,
                  const std::vector<std::string>& names);

}  // namespace vk::api

#endif
