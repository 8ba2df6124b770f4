// The object stores' XML, addressing, part sizing, block ids, Azure Shared Key string to sign, and how their
// error answers become vk::errors.
#include "cloud/model/iso8601.hpp"
#include "cloud/model/xml_reader.hpp"
#include "snapshot/model/azure_protocol.hpp"
#include "snapshot/model/s3_protocol.hpp"
#include "snapshot/object_store.hpp"

#include <gtest/gtest.h>

namespace s3 = vk::snapshot::s3;
namespace azure = vk::snapshot::azure;
using namespace std::chrono;

TEST(s3_protocol, addressing)
{
    auto v = s3::address("s3.eu-west-1.amazonaws.com", "b", false);
    EXPECT_EQ(v.host, "b.s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(v.path_prefix, "");
    auto p = s3::address("127.0.0.1:9000", "b", true);
    EXPECT_EQ(p.host, "127.0.0.1:9000");
    EXPECT_EQ(p.path_prefix, "/b");
}

TEST(s3_protocol, list_objects_v2_pages)
{
    auto page = s3::parse_list_objects_v2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>vault/</Prefix>
<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
<Contents><Key>vault/a&amp;b.snap</Key><LastModified>2026-11-30T12:00:00.250Z</LastModified><ETag>"x"</ETag>
<Size>42</Size></Contents>
<Contents><Key>vault/c.snap</Key><LastModified>2026-11-30T12:00:01Z</LastModified><Size>0</Size></Contents>
<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>)");
    ASSERT_TRUE(page) << page.error().describe();
    ASSERT_EQ(page->objects.size(), 2u);
    EXPECT_EQ(page->objects[0].key, "vault/a&b.snap");
    EXPECT_EQ(page->objects[0].size, 42u);
    EXPECT_EQ(page->objects[0].last_modified, system_clock::from_time_t(1796040000) + milliseconds(250));
    EXPECT_EQ(page->next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    auto last =
        s3::parse_list_objects_v2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
    ASSERT_TRUE(last);
    EXPECT_TRUE(last->objects.empty());
    EXPECT_FALSE(last->next_token);
    EXPECT_FALSE(
        s3::parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"));
    EXPECT_FALSE(s3::parse_list_objects_v2("not xml"));
}

TEST(s3_protocol, multipart_documents_and_errors)
{
    auto id = s3::parse_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                                  "<UploadId>abc</UploadId></InitiateMultipartUploadResult>");
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, "abc");
    EXPECT_EQ(s3::complete_multipart_body({"\"e1\"", "\"e2\""}),
              "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
              "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>");
    EXPECT_EQ(vk::cloud::xml::error_code("<Error><Code>InternalError</Code><Message>m</Message></Error>"),
              "InternalError");
    EXPECT_FALSE(vk::cloud::xml::error_code("<CompleteMultipartUploadResult/>"));
    EXPECT_FALSE(vk::cloud::parse_iso8601("2026-11-30 12:00:00"));
}

TEST(azure_protocol, string_to_sign_layout)
{
    azure::request r;
    r.method = "PUT";
    r.path = "/devstoreaccount1/snaps/raft%20x.snap";
    r.query = {{"comp", "block"}, {"blockid", "YmxvY2s="}};
    r.headers = {{"x-ms-version", azure::api_version.data()},
                 {"x-ms-date", "Mon, 30 Nov 2026 12:00:00 GMT"},
                 {"Content-Type", "application/octet-stream"},
                 {"X-Ms-Meta-Sha256", " abc "}};
    r.content_length = 7;
    EXPECT_EQ(azure::string_to_sign(r, "devstoreaccount1"),
              "PUT\n\n\n7\n\napplication/octet-stream\n\n\n\n\n\n\n"
              "x-ms-date:Mon, 30 Nov 2026 12:00:00 GMT\nx-ms-meta-sha256:abc\nx-ms-version:2021-08-06\n"
              "/devstoreaccount1/devstoreaccount1/snaps/raft%20x.snap\nblockid:YmxvY2s=\ncomp:block");
    r.content_length = 0;
    EXPECT_EQ(azure::string_to_sign(r, "a").substr(0, 8), "PUT\n\n\n\n\n");
}

TEST(azure_protocol, authorization_needs_a_base64_key_and_never_names_it)
{
    azure::request r;
    r.path = "/c";
    auto ok = azure::authorization(r, "acct", "a2V5");
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->starts_with("SharedKey acct:"));
    auto bad = azure::authorization(r, "acct", "not base64!");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.find("not base64!"), std::string::npos);
}

TEST(azure_protocol, dates_block_ids_and_lists)
{
    auto t = system_clock::from_time_t(1796040000);
    EXPECT_EQ(azure::rfc1123(t), "Mon, 30 Nov 2026 12:00:00 GMT");
    EXPECT_EQ(azure::parse_rfc1123("Mon, 30 Nov 2026 12:00:00 GMT"), t);
    EXPECT_EQ(azure::block_id(0).size(), azure::block_id(123456).size());
    EXPECT_NE(azure::block_id(1), azure::block_id(2));
    EXPECT_EQ(azure::block_list_body(1), "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>" +
                                             azure::block_id(0) + "</Latest></BlockList>");
    auto page = azure::parse_list_blobs(R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1/devstoreaccount1" ContainerName="snaps"><Prefix>p/</Prefix>
<Blobs><Blob><Name>p/a.snap</Name><Properties><Last-Modified>Mon, 30 Nov 2026 12:00:00 GMT</Last-Modified>
<Content-Length>5</Content-Length></Properties><Metadata><sha256>ab</sha256></Metadata></Blob>
<Blob><Name>p/b.snap</Name><Properties><Last-Modified>Mon, 30 Nov 2026 12:00:00 GMT</Last-Modified>
<Content-Length>6</Content-Length></Properties></Blob></Blobs><NextMarker>m2</NextMarker></EnumerationResults>)");
    ASSERT_TRUE(page) << page.error().describe();
    ASSERT_EQ(page->blobs.size(), 2u);
    EXPECT_EQ(page->blobs[0].sha256, "ab");
    EXPECT_FALSE(page->blobs[1].sha256);
    EXPECT_EQ(page->blobs[1].size, 6u);
    EXPECT_EQ(page->next_marker, "m2");
    auto end = azure::parse_list_blobs("<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>");
    ASSERT_TRUE(end);
    EXPECT_FALSE(end->next_marker);
}

// Object store errors carry the status and the store's error code, never its message (S3 and Azure echo the
// string to sign and the presented signature there).
TEST(object_store, reply_errors_name_the_code_only)
{
    vk::http::response r;
    r.status = 403;
    r.body = "<Error><Code>SignatureDoesNotMatch</Code><Message>StringToSign AKIDEXAMPLE x</Message></Error>";
    auto e = vk::snapshot::reply_error("s3: put", r, "https://s3.example", "vault/a.snap");
    EXPECT_EQ(e.code, vk::errc::permission_denied);
    EXPECT_EQ(e.message, "s3: put: HTTP 403 SignatureDoesNotMatch");
    EXPECT_EQ(e.status, 403u);
    EXPECT_EQ(vk::snapshot::status_errc(404), vk::errc::not_found);
    EXPECT_EQ(vk::snapshot::status_errc(503), vk::errc::rate_limited);
    EXPECT_EQ(vk::snapshot::status_errc(500), vk::errc::server_error);
    EXPECT_EQ(vk::snapshot::status_errc(400), vk::errc::bad_request);
}
