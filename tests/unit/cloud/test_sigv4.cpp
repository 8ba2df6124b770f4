// AWS Signature V4 against AWS's published vectors: the generic aws-sig-v4-test-suite (service "service",
// credentials AKIDEXAMPLE, 20150830T123600Z) and the S3 examples of the S3 API reference (examplebucket,
// AKIAIOSFODNN7EXAMPLE, 20130524T000000Z): header signing, a query-string presigned URL (UNSIGNED-PAYLOAD),
// and a multipart UploadPart with UNSIGNED-PAYLOAD (no published vector: the value botocore's S3SigV4Auth
// computes for the same request; tests/integration/test_sigv4_botocore.py checks more cases live).
#include "cloud/model/sigv4.hpp"

#include <gtest/gtest.h>

namespace sigv4 = vk::cloud::sigv4;

namespace {

const sigv4::credentials suite_creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const sigv4::scope suite_scope{"us-east-1", "service"};
constexpr const char* suite_date = "20150830T123600Z";

const sigv4::credentials s3_creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const sigv4::scope s3_scope{"us-east-1", "s3"};
constexpr const char* s3_date = "20130524T000000Z";

sigv4::request suite_request(std::string method, sigv4::fields query = {}, sigv4::fields extra = {})
{
    sigv4::request r;
    r.method = std::move(method);
    r.query = std::move(query);
    r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", suite_date}};
    r.headers.insert(r.headers.end(), extra.begin(), extra.end());
    return r;
}

struct expected
{
    std::string canonical_request;
    std::string string_to_sign;
    std::string authorization;
};

void check(const sigv4::request& r, const expected& e)
{
    auto sig = sigv4::compute(r, suite_creds, suite_scope, suite_date);
    EXPECT_EQ(sig.canonical_request, e.canonical_request);
    EXPECT_EQ(sig.string_to_sign, e.string_to_sign);
    EXPECT_EQ(sigv4::authorization(sig, suite_creds, suite_scope, suite_date), e.authorization);
}

}  // namespace

TEST(sigv4_suite, get_vanilla)
{
    check(suite_request("GET"),
          {"GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
           "SignedHeaders=host;x-amz-date, "
           "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"});
}

TEST(sigv4_suite, get_vanilla_query_order_key_case)
{
    check(suite_request("GET", {{"Param2", "value2"}, {"Param1", "value1"}}),
          {"GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
           "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
           "SignedHeaders=host;x-amz-date, "
           "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"});
}

TEST(sigv4_suite, get_vanilla_query_unreserved)
{
    const std::string unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    check(suite_request("GET", {{unreserved, unreserved}}),
          {"GET\n/\n" + unreserved + "=" + unreserved +
               "\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
               "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
           "SignedHeaders=host;x-amz-date, "
           "Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"});
}

TEST(sigv4_suite, post_vanilla_query)
{
    check(suite_request("POST", {{"Param1", "value1"}}),
          {"POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
           "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
           "SignedHeaders=host;x-amz-date, "
           "Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"});
}

TEST(sigv4_suite, post_header_key_sort)
{
    check(suite_request("POST", {}, {{"My-Header1", "value1"}}),
          {"POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\n"
           "host;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
           "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
           "SignedHeaders=host;my-header1;x-amz-date, "
           "Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"});
}

// The suite's .sts and .authz files sign content-type;host;x-amz-date; its .creq file also lists
// content-length (the published files disagree; the string to sign's hash is that of the 3-header request).
TEST(sigv4_suite, post_x_www_form_urlencoded)
{
    auto r = suite_request("POST", {}, {{"Content-Type", "application/x-www-form-urlencoded"}});
    r.payload_hash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";  // "Param1=value1"
    check(r, {"POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
              "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
              "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
              "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
              "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=content-type;host;x-amz-date, "
              "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"});
}

TEST(sigv4_suite, duplicate_headers_join_and_values_are_trimmed)
{
    auto r = suite_request("GET", {},
                           {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}});
    auto sig = sigv4::compute(r, suite_creds, suite_scope, suite_date);
    EXPECT_EQ(sigv4::authorization(sig, suite_creds, suite_scope, suite_date),  // get-header-key-duplicate
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=host;my-header1;x-amz-date, "
              "Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
    auto spaced = suite_request("GET", {}, {{"My-Header1", "  value1  "}});
    auto plain = suite_request("GET", {}, {{"My-Header1", "value1"}});
    EXPECT_EQ(sigv4::compute(spaced, suite_creds, suite_scope, suite_date).hex,
              sigv4::compute(plain, suite_creds, suite_scope, suite_date).hex);
}

// S3 API reference, "Example: GET Object" (Range: bytes=0-9).
TEST(sigv4_s3, get_object_header_signing)
{
    sigv4::request r;
    r.path = "/test.txt";
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
    sigv4::sign_headers(r, s3_creds, s3_scope, s3_date);
    auto sig =
        sigv4::compute({r.method, r.path, r.query, {r.headers.begin(), r.headers.end() - 1}, r.payload_hash},
                       s3_creds, s3_scope, s3_date);
    EXPECT_EQ(sig.canonical_request,
              "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
              "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
              "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sig.string_to_sign, "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                                  "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    EXPECT_EQ(r.headers.back().first, "Authorization");
    EXPECT_EQ(r.headers.back().second,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
              "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// S3 API reference, "Example: PUT Object" (payload "Welcome to Amazon S3.", a '$' in the key).
TEST(sigv4_s3, put_object_with_payload_hash)
{
    sigv4::request r;
    r.method = "PUT";
    r.path = "/test$file.text";
    r.payload_hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                 {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                 {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
    sigv4::sign_headers(r, s3_creds, s3_scope, s3_date);
    EXPECT_EQ(sigv4::target(r), "/test%24file.text");
    EXPECT_EQ(r.headers.back().second,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
              "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

// S3 API reference, "Example: GET Bucket Lifecycle" (a query parameter without a value).
TEST(sigv4_s3, get_bucket_lifecycle)
{
    sigv4::request r;
    r.query = {{"lifecycle", ""}};
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
    sigv4::sign_headers(r, s3_creds, s3_scope, s3_date);
    EXPECT_EQ(r.headers.back().second,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
              "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

// S3 API reference, "Example: Get Bucket (List Objects)".
TEST(sigv4_s3, list_objects)
{
    sigv4::request r;
    r.query = {{"max-keys", "2"}, {"prefix", "J"}};
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
    sigv4::sign_headers(r, s3_creds, s3_scope, s3_date);
    EXPECT_EQ(r.headers.back().second,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
              "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// S3 API reference, "Authenticating Requests: Using Query Parameters" (GET test.txt, 86400 s,
// UNSIGNED-PAYLOAD).
TEST(sigv4_s3, presigned_url)
{
    sigv4::request r;
    r.path = "/test.txt";
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
    EXPECT_EQ(sigv4::presign(r, s3_creds, s3_scope, s3_date, std::chrono::seconds(86400)),
              "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
              "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
              "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
              "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

// Multipart UploadPart, streamed with UNSIGNED-PAYLOAD (value from botocore 1.29 S3SigV4Auth).
TEST(sigv4_s3, multipart_upload_part_unsigned_payload)
{
    sigv4::request r;
    r.method = "PUT";
    r.path = "/vault/raft-snapshot-1.snap";
    r.query = {{"uploadId", "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"},
               {"partNumber", "2"}};
    r.payload_hash = sigv4::unsigned_payload;
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
    sigv4::sign_headers(r, s3_creds, s3_scope, s3_date);
    EXPECT_EQ(r.headers.back().second,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
              "Signature=36affc9f1feebcdf3d30847a8d47ba01f154abecd4ebf712c0a2b7b06818cc25");
    EXPECT_EQ(sigv4::target(r), "/vault/raft-snapshot-1.snap?partNumber=2&uploadId="
                                "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
}

TEST(sigv4_s3, session_token_is_signed)
{
    sigv4::request r;
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
    auto creds = s3_creds;
    creds.session_token = "token";
    sigv4::sign_headers(r, creds, s3_scope, s3_date);
    EXPECT_NE(r.headers.back().second.find(
                  "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"),
              std::string::npos);
}

TEST(sigv4, encoding_and_dates)
{
    EXPECT_EQ(sigv4::uri_encode("a b/c+d~é", true), "a%20b/c%2Bd~%C3%A9");
    EXPECT_EQ(sigv4::uri_encode("a/b", false), "a%2Fb");
    EXPECT_EQ(sigv4::amz_date(std::chrono::system_clock::from_time_t(1369353600)), "20130524T000000Z");
}
