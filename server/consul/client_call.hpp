// Private to the Consul client: the description of one request (client.cpp and session.cpp build them).
#ifndef VAULTKEEPER_SERVER_CONSUL_CLIENT_CALL_HPP
#define VAULTKEEPER_SERVER_CONSUL_CLIENT_CALL_HPP

#include "consul/client.hpp"

namespace vk::consul {

// Path already percent-encoded; query parameters as name/value (empty value = presence flag); a blocking
// read carries its wait so the deadline covers it.
struct client::call
{
    std::string method = "GET";
    std::string path;
    std::vector<std::pair<std::string, std::string>> query;
    std::string body;
    bool idempotent = true;
    std::optional<std::chrono::milliseconds> blocking_wait;
};

}  // namespace vk::consul

#endif
