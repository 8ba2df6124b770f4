// Shamir secret sharing over GF(2^8) as Vault's shamir package does it: each share is the y-values followed
// by a one-byte x coordinate, so a 32-byte key gives 33-byte shares.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SHAMIR_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SHAMIR_HPP

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace vsim::shamir {

using bytes = std::vector<std::uint8_t>;

// Splits secret into `parts` shares of which `threshold` reconstruct it. Errors (as Vault words them):
// parts < threshold, parts > 255, threshold < 2, threshold > 255, empty secret.
std::variant<std::vector<bytes>, std::string> split(const bytes& secret, int parts, int threshold);

// Lagrange-interpolates the shares at x = 0. Errors: fewer than two parts, parts shorter than two bytes,
// unequal lengths, duplicate x coordinates. Wrong (but well-formed) shares give a wrong secret, not an error.
std::variant<bytes, std::string> combine(const std::vector<bytes>& parts);

}  // namespace vsim::shamir

#endif
