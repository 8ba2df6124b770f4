// libFuzzer: the admin server's request parsing — Beast's parser under the server's header and body limits,
// then the conversion to vk::http::request (target, path decoding, query, headers), then the access verdict
// for its Authorization header (api/model/access). Property: a request or a refusal, never a throw, a crash
// or a sanitizer report; a converted request's path starts with '/'; only the configured token is let in.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "api/model/access.hpp"
#include "http/request_parse.hpp"
#include "http/server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace bhttp = boost::beast::http;
    vk::http::server_params limits;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && used < size)
    {
        auto n = parser.put(boost::asio::buffer(data + used, size - used), ec);
        if (ec || n == 0)
            return 0;
        used += n;
    }
    if (!parser.is_done())
        return 0;
    auto r = vk::http::detail::to_request(parser.release(), "127.0.0.1:1");
    if (r && (r->path.empty() || r->path.front() != '/'))
        std::abort();
    if (!r)
        return 0;
    static const vk::api::access_list tokens = [] {
        vk::admin_config admin;
        admin.tokens.push_back({"reader",
                                vk::secret("fuzz-reader-token-000"),
                                std::nullopt,
                                vk::scope_set::parse({"read"}),
                                {"j*"}});
        return vk::api::access_list::from(admin);
    }();
    auto header = r->headers.get("Authorization");
    auto bearer = header ? vk::api::bearer_token(*header) : std::nullopt;
    auto v = tokens.decide({bearer, nullptr}, vk::scope::read, r->path);
    const bool known = bearer && *bearer == "fuzz-reader-token-000";
    if (known != v.who.has_value() || (!v.refused && !known))
        std::abort();
    return 0;
}
