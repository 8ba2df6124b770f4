// The local storage's "<snapshot>.sha256" files (the SHA-256 recorded at upload, in sha256sum's format):
// their names, their text, and which of them are orphans, left without their snapshot by an interrupted
// write or removal.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_SIDECAR_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_SIDECAR_HPP

#include "snapshot/model/settings.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::snapshot {

inline constexpr std::string_view sidecar_suffix = ".sha256";

std::string sidecar_name(std::string_view snapshot);

// "<hex>  <snapshot>\n", what `sha256sum -c` reads.
std::string sidecar_text(std::string_view sha256_hex, std::string_view snapshot);

// The recorded SHA-256 (64 hex digits), or nullopt when the text holds none.
std::optional<std::string> parse_sidecar(std::string_view text);

// The sidecars among `files` (the names in one directory) whose snapshot is not among them, only for
// snapshot names `f` produces: whatever else lives in the directory is never touched.
std::vector<std::string> orphan_sidecars(const std::vector<std::string>& files, const name_format& f);

}  // namespace vk::snapshot

#endif
