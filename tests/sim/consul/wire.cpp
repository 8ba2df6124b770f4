// Hand-written Consul JSON encodings (see wire.hpp).
#include "wire.hpp"

#include "common/util.hpp"

namespace csim {

void append_json_string(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c)
        {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
        }
        if (c < 0x20 || c == '<' || c == '>' || c == '&')
        {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
        else if (c == 0xE2 && i + 2 < s.size() && s[i + 1] == '\x80' &&
                 (s[i + 2] == '\xA8' || s[i + 2] == '\xA9'))
        {
            out += s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        }
        else
        {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

void append_entry(std::string& out, const dir_entry& e, bool with_value)
{
    out += "{\"LockIndex\":";
    out += std::to_string(e.lock_index);
    out += ",\"Key\":";
    append_json_string(out, e.key);
    out += ",\"Flags\":";
    out += std::to_string(e.flags);
    out += ",\"Value\":";
    if (with_value && !e.value.empty())
    {
        out += '"';
        out += simc::base64_encode(e.value);
        out += '"';
    }
    else
    {
        out += "null";
    }
    if (!e.session.empty())
    {
        out += ",\"Session\":";
        append_json_string(out, e.session);
    }
    out += ",\"CreateIndex\":";
    out += std::to_string(e.create_index);
    out += ",\"ModifyIndex\":";
    out += std::to_string(e.modify_index);
    out += '}';
}

void append_session(std::string& out, const session& s)
{
    out += "{\"ID\":";
    append_json_string(out, s.id);
    out += ",\"Name\":";
    append_json_string(out, s.name);
    out += ",\"Node\":";
    append_json_string(out, s.node);
    out += ",\"LockDelay\":";
    out += std::to_string(s.lock_delay.count());
    out += ",\"Behavior\":";
    append_json_string(out, s.behavior);
    out += ",\"TTL\":";
    append_json_string(out, s.ttl);
    out += ",\"NodeChecks\":";
    if (s.node_checks.empty())
    {
        out += "null";
    }
    else
    {
        out += '[';
        for (std::size_t i = 0; i < s.node_checks.size(); ++i)
        {
            if (i)
                out += ',';
            append_json_string(out, s.node_checks[i]);
        }
        out += ']';
    }
    out += ",\"ServiceChecks\":null,\"CreateIndex\":";
    out += std::to_string(s.create_index);
    out += ",\"ModifyIndex\":";
    out += std::to_string(s.modify_index);
    out += '}';
}

namespace {

// Go's url.QueryEscape.
std::string query_escape(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s)
    {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
        {
            out += static_cast<char>(c);
        }
        else if (c == ' ')
        {
            out += '+';
        }
        else
        {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

std::string encode_query(const std::map<std::string, std::string, std::less<>>& query)
{
    std::string out;
    for (auto& [k, v] : query)
    {
        if (!out.empty())
            out += '&';
        out += query_escape(k) + "=" + query_escape(v);
    }
    return out;
}

}  // namespace csim
