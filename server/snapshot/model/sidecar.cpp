// Sidecar names, text and orphans (see sidecar.hpp).
#include "snapshot/model/sidecar.hpp"

#include "snapshot/model/naming.hpp"

#include <algorithm>
#include <set>

namespace vk::snapshot {

std::string sidecar_name(std::string_view snapshot)
{
    return std::string(snapshot) + std::string(sidecar_suffix);
}

std::string sidecar_text(std::string_view sha256_hex, std::string_view snapshot)
{
    return std::string(sha256_hex) + "  " + std::string(snapshot) + "\n";
}

std::optional<std::string> parse_sidecar(std::string_view text)
{
    const auto sum = text.substr(0, text.find_first_of(" \t\n"));
    const bool hex = std::all_of(sum.begin(), sum.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
    if (sum.size() != 64 || !hex)
        return std::nullopt;
    return std::string(sum);
}

std::vector<std::string> orphan_sidecars(const std::vector<std::string>& files, const name_format& f)
{
    const std::set<std::string_view> present(files.begin(), files.end());
    std::vector<std::string> orphans;
    for (const auto& file : files)
    {
        if (!file.ends_with(sidecar_suffix))
            continue;
        const auto snapshot = std::string_view(file).substr(0, file.size() - sidecar_suffix.size());
        if (parse_snapshot_name(f, snapshot) && !present.contains(snapshot))
            orphans.push_back(file);
    }
    std::sort(orphans.begin(), orphans.end());
    return orphans;
}

}  // namespace vk::snapshot
