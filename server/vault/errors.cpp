// Status -> errc mapping of Vault replies, error text extraction and path encoding.
#include "vault/errors.hpp"

#include "core/upstream_status.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace vk::vault {

namespace json = boost::json;

namespace {

bool contains(std::string_view hay, std::string_view needle)
{
    return hay.find(needle) != std::string_view::npos;
}

// Go's multierror renders "1 error occurred:\n\t* permission denied\n\n"; keep only the bullet texts.
std::string clean_one(std::string_view s)
{
    std::string out;
    bool multi = contains(s, "occurred:\n");
    std::size_t pos = 0;
    while (pos <= s.size())
    {
        auto eol = s.find('\n', pos);
        auto line = s.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? s.size() + 1 : eol + 1;
        while (!line.empty() && (line.front() == '\t' || line.front() == ' ' || line.front() == '*'))
            line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
            line.remove_suffix(1);
        if (line.empty() || (multi && contains(line, "occurred:")))
            continue;
        if (!out.empty())
            out += "; ";
        out += line;
    }
    return out;
}

}  // namespace

std::string error_text(std::string_view body)
{
    json::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return {};
    auto* errs = v.as_object().if_contains("errors");
    if (!errs || !errs->is_array())
        return {};
    std::string out;
    for (const auto& e : errs->as_array())
    {
        if (!e.is_string())
            continue;
        auto one = clean_one(e.as_string());
        if (one.empty())
            continue;
        if (!out.empty())
            out += "; ";
        out += one;
    }
    return out;
}

errc map_status(unsigned status, std::string_view text)
{
    // Where Vault differs from the common map: a redirect comes from a standby, 501 is "not initialised",
    // 503 and a 4xx say more in their text.
    if (status >= 300 && status < 400)
        return errc::standby;
    if (status == 501)
        return errc::uninitialized;
    if (status == 503)
    {
        if (contains(text, "Vault is sealed"))
            return errc::sealed;
        if (contains(text, "no active Vault instance") || contains(text, "node is not active") ||
            contains(text, "standby"))
            return errc::standby;
    }
    if (status >= 400 && status < 500 && contains(text, "check-and-set parameter did not match"))
        return errc::conflict;
    return upstream_errc(status);
}

error reply_error(unsigned status, std::string_view body, std::string endpoint, std::string path)
{
    auto text = error_text(body);
    std::string msg = "vault answered " + std::to_string(status);
    if (!text.empty())
        msg += ": " + text;
    error e{map_status(status, text), std::move(msg), std::move(endpoint), std::move(path), status};
    return e;
}

bool is_invalid_token(unsigned status, std::string_view body)
{
    return status == 403 && contains(error_text(body), "invalid token");
}

std::string encode_path(std::string_view path)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(path.size());
    for (unsigned char c : path)
    {
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '/';
        if (keep)
        {
            out += static_cast<char>(c);
            continue;
        }
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

std::string join_path(std::string_view mount, std::string_view middle, std::string_view rest)
{
    std::string out;
    for (auto part : {mount, middle, rest})
    {
        while (!part.empty() && part.front() == '/')
            part.remove_prefix(1);
        while (!part.empty() && part.back() == '/')
            part.remove_suffix(1);
        if (part.empty())
            continue;
        if (!out.empty())
            out += '/';
        out += part;
    }
    return out;
}

std::string mount_path(std::string_view mount, std::string_view verb, std::string_view path)
{
    return join_path(encode_path(mount), verb, encode_path(path));
}

}  // namespace vk::vault
