// Azure Blob Storage as the snapshot storage uses it: Shared Key signing (canonicalized x-ms- headers and
// resource, x-ms-date, x-ms-version), block ids and the Put Block List body, List Blobs answers, RFC 1123
// dates. Pure; the shell (azure_storage) sends what these build.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_AZURE_PROTOCOL_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_AZURE_PROTOCOL_HPP

#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vk::snapshot::azure {

// The service version we speak (sent as x-ms-version; azurite runs with --skipApiVersionCheck in tests).
inline constexpr std::string_view api_version = "2021-08-06";

using fields = std::vector<std::pair<std::string, std::string>>;

// A request as Shared Key signs it.
struct request
{
    std::string method = "GET";
    std::string path;  // encoded, as sent: "/snaps/raft.snap" (azurite: "/devstoreaccount1/snaps/raft.snap")
    fields query;      // decoded
    fields headers;    // x-ms-date and x-ms-version included
    std::uint64_t content_length = 0;
};

// The string to sign (service version 2015-02-21 and later: Content-Length empty when 0).
std::string string_to_sign(const request& r, std::string_view account);
// "SharedKey <account>:<base64 HMAC-SHA256>"; errc::invalid_argument when the key is not base64 (the
// message never holds the key).
result<std::string> authorization(const request& r, std::string_view account, std::string_view key_base64);

// "Mon, 30 Nov 2026 12:00:00 GMT"
std::string rfc1123(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_rfc1123(std::string_view s);

// Block ids: base64 of a fixed-width counter, so every id of a blob has the same length (Azure requires it).
std::string block_id(std::uint64_t n);
// The Put Block List body committing blocks 0..count-1 in order.
std::string block_list_body(std::uint64_t count);

struct listed_blob
{
    std::string name;
    std::uint64_t size = 0;
    std::chrono::system_clock::time_point last_modified;
    std::optional<std::string> sha256;  // metadata "sha256" (listed with include=metadata)
};

struct list_page
{
    std::vector<listed_blob> blobs;
    std::optional<std::string> next_marker;  // set while there are more
};

result<list_page> parse_list_blobs(std::string_view xml);

}  // namespace vk::snapshot::azure

#endif
