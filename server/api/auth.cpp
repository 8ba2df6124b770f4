// Bearer token check.
#include "api/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace vk::api {

bool constant_time_equal(std::string_view a, std::string_view b)
{
    unsigned char da[SHA256_DIGEST_LENGTH];
    unsigned char db[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
    SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
    return CRYPTO_memcmp(da, db, SHA256_DIGEST_LENGTH) == 0;
}

bool bearer_matches(const http::request& req, std::string_view token)
{
    auto h = req.headers.get("Authorization");
    if (!h || token.empty())
        return false;
    constexpr std::string_view scheme = "Bearer ";
    if (h->size() <= scheme.size() || !http::iequals(h->substr(0, scheme.size()), scheme))
        return false;
    return constant_time_equal(h->substr(scheme.size()), token);
}

}  // namespace vk::api
