// sigv4-print: prints what our AWS Signature V4 signer produces for one request, so a test can compare it
// byte for byte with an independent signer (tests/integration/test_sigv4_botocore.py, botocore's SigV4Auth).
// Input on stdin (credentials never on the command line), one JSON object:
//   {"method", "host", "path" (decoded), "query": [[k, v]...] (decoded), "headers": [[k, v]...] (besides
//   host),
//    "payload_hash", "access_key_id", "secret_access_key", "session_token", "region", "service", "amz_date",
//    "presign_expires" (optional: presign instead of header signing)}
// Output: the Authorization header value, or with presign_expires the request target (path?query).
#include "cloud/model/sigv4.hpp"

#include <boost/json.hpp>
#include <iostream>
#include <iterator>

namespace json = boost::json;
namespace sigv4 = vk::cloud::sigv4;

namespace {

std::string str(const json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

sigv4::fields pairs(const json::object& o, std::string_view key)
{
    sigv4::fields out;
    if (auto* v = o.if_contains(key); v && v->is_array())
        for (const auto& p : v->as_array())
            out.emplace_back(std::string(p.as_array().at(0).as_string()),
                             std::string(p.as_array().at(1).as_string()));
    return out;
}

}  // namespace

int main()
{
    std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    auto o = json::parse(input).as_object();
    sigv4::request r;
    r.method = str(o, "method");
    r.path = str(o, "path");
    r.query = pairs(o, "query");
    r.headers = {{"host", str(o, "host")}};
    for (auto& h : pairs(o, "headers"))
        r.headers.push_back(std::move(h));
    r.payload_hash = str(o, "payload_hash");
    sigv4::credentials c{str(o, "access_key_id"), str(o, "secret_access_key"), str(o, "session_token")};
    sigv4::scope s{str(o, "region"), str(o, "service")};
    auto date = str(o, "amz_date");
    if (auto* e = o.if_contains("presign_expires"))
    {
        std::cout << sigv4::presign(r, c, s, date, std::chrono::seconds(e->to_number<std::int64_t>()))
                  << "\n";
        return 0;
    }
    sigv4::sign_headers(r, c, s, date);
    std::cout << r.headers.back().second << "\n";
    return 0;
}
