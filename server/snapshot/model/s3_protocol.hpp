// The S3 XML API as the snapshot storages use it (AWS, S3-compatible stores, GCS's XML API): object keys and
// addressing, and the XML of ListObjectsV2, CreateMultipartUpload,
// CompleteMultipartUpload and error answers. Pure; the shell (s3_storage) sends what these build.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_S3_PROTOCOL_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_S3_PROTOCOL_HPP

#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::snapshot::s3 {

// Where requests go for a bucket: virtual-hosted ("bucket.host") or path-style ("host/bucket").
struct addressing
{
    std::string host;         // the Host header (and what is signed); the connection goes to the endpoint
    std::string path_prefix;  // "" (virtual-hosted) or "/bucket"
};
// endpoint_host is the configured endpoint's host[:port] (no scheme).
addressing address(std::string_view endpoint_host, std::string_view bucket, bool path_style);

struct listed_object
{
    std::string key;
    std::uint64_t size = 0;
    std::chrono::system_clock::time_point last_modified;
};

struct list_page
{
    std::vector<listed_object> objects;
    std::optional<std::string> next_token;  // set while IsTruncated
};

// A ListObjectsV2 answer; errc::bad_response when it is not one.
result<list_page> parse_list_objects_v2(std::string_view xml);
// The UploadId of a CreateMultipartUpload answer.
result<std::string> parse_upload_id(std::string_view xml);
// The CompleteMultipartUpload body for parts 1..n with their ETags (as returned, quotes included).
std::string complete_multipart_body(const std::vector<std::string>& etags);

}  // namespace vk::snapshot::s3

#endif
