// The daemon's own HTTP message types (no Beast in sight): case-insensitive headers, the request a server
// handler sees, and the response both the server sends and the client returns.
#ifndef VAULTKEEPER_SERVER_HTTP_MESSAGE_HPP
#define VAULTKEEPER_SERVER_HTTP_MESSAGE_HPP

#include "core/peer_certificate.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vk::http {

// ASCII case-insensitive equality, as header names compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

// Ordered header list with case-insensitive lookup; keeps repeated fields in arrival order.
class header_map
{
public:
    using field = std::pair<std::string, std::string>;

    header_map() = default;
    header_map(std::initializer_list<field> fields)
        : fields_(fields)
    {
    }

    // First value of `name`, or nullopt.
    std::optional<std::string_view> get(std::string_view name) const;
    bool contains(std::string_view name) const { return get(name).has_value(); }
    // Replaces every field called `name` by one with `value`.
    void set(std::string_view name, std::string_view value);
    // Appends a field, keeping existing ones with the same name.
    void add(std::string_view name, std::string_view value);
    void erase(std::string_view name);

    const std::vector<field>& fields() const noexcept { return fields_; }
    auto begin() const noexcept { return fields_.begin(); }
    auto end() const noexcept { return fields_.end(); }
    std::size_t size() const noexcept { return fields_.size(); }
    bool empty() const noexcept { return fields_.empty(); }

private:
    std::vector<field> fields_;
};

// What a server handler receives. `path` is percent-decoded, `target` is the raw request target.
struct request
{
    std::string method;                                      // "GET", "POST"... as sent
    std::string target;                                      // raw origin-form, e.g. "/v1/jobs?x=1"
    std::string path;                                        // decoded path, e.g. "/v1/jobs"
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    header_map headers;
    std::string body;
    std::string remote_address;  // "ip:port" of the peer
    // The client certificate the TLS handshake verified (admin.tls.client_ca_file), null without one.
    std::shared_ptr<const peer_certificate> client_cert;

    // First value of query parameter `name`, or nullopt.
    std::optional<std::string_view> query_param(std::string_view name) const;
};

// A response: sent by the server, returned by the client. Content-Length is computed on send.
struct response
{
    unsigned status = 200;
    header_map headers;
    std::string body;

    // A JSON response with Content-Type application/json.
    static response json(unsigned status, const boost::json::value& v);
    // The daemon's error envelope {"error":{"code":...,"message":...}} with the given status.
    static response error(unsigned status, std::string_view code, std::string_view message);
    // A text/plain response.
    static response text(unsigned status, std::string body);
};

}  // namespace vk::http

#endif
