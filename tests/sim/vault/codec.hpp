// Byte encodings vault-sim speaks on the wire: hex and base64 key shares, UUIDs, random bytes.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_CODEC_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_CODEC_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vsim {

using bytes = std::vector<std::uint8_t>;

std::string hex_encode(const bytes& b);
// nullopt unless s is an even-length string of hex digits.
std::optional<bytes> hex_decode(std::string_view s);
std::string base64_encode(const bytes& b);
// Standard alphabet with padding, as Go's base64.StdEncoding; nullopt on malformed input.
std::optional<bytes> base64_decode(std::string_view s);
bytes random_bytes(std::size_t n);
// Random version-4 UUID in canonical text form.
std::string uuid();

}  // namespace vsim

#endif
