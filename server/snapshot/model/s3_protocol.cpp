#include "snapshot/model/s3_protocol.hpp"

#include "cloud/model/iso8601.hpp"
#include "cloud/model/xml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace vk::snapshot::s3 {

namespace xml = cloud::xml;

addressing address(std::string_view endpoint_host, std::string_view bucket, bool path_style)
{
    if (path_style)
        return {std::string(endpoint_host), "/" + std::string(bucket)};
    return {std::string(bucket) + "." + std::string(endpoint_host), ""};
}

result<list_page> parse_list_objects_v2(std::string_view xml)
{
    auto doc = xml::parse(xml, "ListBucketResult");
    if (!doc)
        return doc.error();
    list_page page;
    for (const auto& c : doc->children("Contents"))
    {
        listed_object o;
        o.key = c.text("Key");
        auto size = c.number("Size");
        auto time = cloud::parse_iso8601(c.text("LastModified"));
        if (o.key.empty() || !size || !time)
            return make_error(errc::bad_response,
                              "ListObjectsV2: an object without Key, Size or LastModified");
        o.size = *size;
        o.last_modified = *time;
        page.objects.push_back(std::move(o));
    }
    if (doc->text("IsTruncated") == "true")
    {
        auto token = doc->text("NextContinuationToken");
        if (token.empty())
            return make_error(errc::bad_response, "ListObjectsV2: truncated without NextContinuationToken");
        page.next_token = std::move(token);
    }
    return page;
}

result<std::string> parse_upload_id(std::string_view body)
{
    auto doc = xml::parse(body, "InitiateMultipartUploadResult");
    if (!doc)
        return doc.error();
    auto id = doc->text("UploadId");
    if (id.empty())
        return make_error(errc::bad_response, "CreateMultipartUpload: no UploadId");
    return id;
}

std::string complete_multipart_body(const std::vector<std::string>& etags)
{
    std::string out = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < etags.size(); ++i)
        out += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml::escape(etags[i]) +
               "</ETag></Part>";
    return out + "</CompleteMultipartUpload>";
}

}  // namespace vk::snapshot::s3
