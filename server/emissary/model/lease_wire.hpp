// Vault's answers about leases, decoded: a leased secret (GET database/creds/x: data, lease_id,
// lease_duration, renewable) and a renewal (PUT sys/leases/renew: lease_duration granted). Errors name what
// is wrong with the shape, never a value.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_LEASE_WIRE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_LEASE_WIRE_HPP

#include "core/error.hpp"
#include "emissary/model/render.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace vk::emissary {

// A dynamic answer as the template sees it: value = data, lease = its lease (id "" when not leased).
result<fetched> decode_leased(std::string_view body);
// The TTL a renewal granted.
result<std::chrono::seconds> decode_renewal(std::string_view body);
// The request bodies: renew, and revoke or lookup.
std::string renew_body(const std::string& lease_id, std::chrono::seconds increment);
std::string lease_id_body(const std::string& lease_id);

}  // namespace vk::emissary

#endif
