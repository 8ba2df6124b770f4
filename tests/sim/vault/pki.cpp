// PKI secrets engine (see pki.hpp).
#include "pki.hpp"

#include "pki_x509.hpp"
#include "token_store.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace vsim::pki {

namespace {

constexpr std::string_view no_issuer = "no default issuer currently configured";
constexpr std::string_view cn_required =
    "the common_name field is required, or must be provided in a CSR with \"use_csr_common_name\" set to "
    "true, unless \"require_cn\" is set to false";
// Vault backdates notBefore by 30 seconds against clock skew.
constexpr std::int64_t backdate = 30;

std::string key(const call& c, std::string_view name)
{
    return c.mount.data_prefix() + std::string(name);
}

std::optional<json::object> load(const call& c, std::string_view name)
{
    return stored_object(c.st, key(c, name));
}

std::int64_t unix_now(const call& c)
{
    return c.now_ns / 1000000000;
}

// Vault's getCertificateNotAfter: the asked ttl, else the role's, else the mount default, capped at the max.
std::int64_t capped_ttl(std::int64_t asked, std::int64_t role_ttl, std::int64_t max_ttl,
                        std::vector<std::string>& warnings)
{
    std::int64_t ttl = asked > 0 ? asked : (role_ttl > 0 ? role_ttl : system_max_ttl);
    std::int64_t max = max_ttl > 0 ? max_ttl : system_max_ttl;
    if (ttl > max)
    {
        warnings.push_back("TTL \"" + go_duration(ttl) + "\" is longer than permitted maxTTL \"" +
                           go_duration(max) + "\", so using the maxTTL");
        ttl = max;
    }
    return ttl;
}

response with_warnings(json::object data, std::string_view mount_type,
                       const std::vector<std::string>& warnings)
{
    json::object o = envelope(std::move(data), mount_type);
    if (!warnings.empty())
        o["warnings"] = to_array(warnings);
    return response{200, json::value(std::move(o)), {}};
}

response generate_root(call& c, std::string_view kind)
{
    if (kind != "internal" && kind != "exported")
        return error(400, {"invalid type: " + std::string(kind)});
    json::value cn = field(c.req, "common_name");
    if (!cn.is_string() || cn.get_string().empty())
        return error(400, {std::string(cn_required)});
    auto ttl = parse_seconds(field(c.req, "ttl"));
    if (!ttl)
        return error(400, {"invalid ttl"});
    json::value kt = field(c.req, "key_type");
    std::vector<std::string> warnings;
    subject s{std::string(cn.get_string()), {}, {},
              unix_now(c) - backdate,       0,  kt.is_string() && kt.get_string() == "rsa" ? "rsa" : "ec"};
    s.not_after = unix_now(c) + capped_ttl(*ttl, 0, 0, warnings);
    auto ca = make_root(s);
    if (!ca)
        return error(500, {"failed to generate the CA certificate"});
    json::object stored{{"certificate", ca->certificate},
                        {"private_key", ca->private_key},
                        {"private_key_type", ca->key_type},
                        {"serial_number", ca->serial},
                        {"expiration", ca->not_after},
                        {"issuer_id", new_uuid()},
                        {"key_id", new_uuid()}};
    c.st.put(key(c, "ca"), json::serialize(stored));
    json::object d{{"certificate", ca->certificate},   {"issuing_ca", ca->certificate},
                   {"serial_number", ca->serial},      {"expiration", ca->not_after},
                   {"issuer_id", stored["issuer_id"]}, {"issuer_name", ""},
                   {"key_id", stored["key_id"]},       {"key_name", ""}};
    if (kind == "exported")
    {
        d["private_key"] = ca->private_key;
        d["private_key_type"] = ca->key_type;
    }
    return with_warnings(std::move(d), c.mount.mount_type(), warnings);
}

json::object role_json(const role& r)
{
    return {{"allowed_domains", to_array(r.allowed_domains)},
            {"allow_subdomains", r.allow_subdomains},
            {"allow_bare_domains", r.allow_bare_domains},
            {"allow_any_name", r.allow_any_name},
            {"allow_localhost", r.allow_localhost},
            {"allow_ip_sans", r.allow_ip_sans},
            {"ttl", r.ttl},
            {"max_ttl", r.max_ttl},
            {"key_type", r.key_type},
            {"key_bits", r.key_type == "rsa" ? 2048 : 256}};
}

role role_of(const json::object& o)
{
    role r;
    r.allowed_domains = weak_strings(o.at("allowed_domains")).value_or(std::vector<std::string>{});
    r.allow_subdomains = o.at("allow_subdomains").as_bool();
    r.allow_bare_domains = o.at("allow_bare_domains").as_bool();
    r.allow_any_name = o.at("allow_any_name").as_bool();
    r.allow_localhost = o.at("allow_localhost").as_bool();
    r.allow_ip_sans = o.at("allow_ip_sans").as_bool();
    r.ttl = o.at("ttl").as_int64();
    r.max_ttl = o.at("max_ttl").as_int64();
    r.key_type = string_at(o, "key_type");
    return r;
}

response write_role(call& c, std::string_view name)
{
    role r;
    r.allowed_domains = weak_strings(field(c.req, "allowed_domains")).value_or(std::vector<std::string>{});
    auto flag = [&](std::string_view k, bool& out) {
        if (auto b = weak_bool(field(c.req, k)))
            out = *b;
    };
    flag("allow_subdomains", r.allow_subdomains);
    flag("allow_bare_domains", r.allow_bare_domains);
    flag("allow_any_name", r.allow_any_name);
    flag("allow_localhost", r.allow_localhost);
    flag("allow_ip_sans", r.allow_ip_sans);
    auto ttl = parse_seconds(field(c.req, "ttl"));
    auto max = parse_seconds(field(c.req, "max_ttl"));
    if (!ttl || !max)
        return error(400, {"invalid ttl or max_ttl"});
    r.ttl = *ttl;
    r.max_ttl = *max;
    if (json::value kt = field(c.req, "key_type"); kt.is_string() && kt.get_string() == "rsa")
        r.key_type = "rsa";
    c.st.put(key(c, "role/" + std::string(name)), json::serialize(role_json(r)));
    return no_content();
}

bool valid_ip(const std::string& ip)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

// The names of an issue request, checked against the role: nullopt when all pass, else Vault's 400 text.
std::optional<std::string> check_names(const role& r, const std::string& cn, const subject& s)
{
    if (!name_allowed(r, cn))
        return "common name " + cn + " not allowed by this role";
    for (const auto& n : s.dns_sans)
        if (!name_allowed(r, n))
            return "subject alternate name " + n + " not allowed by this role";
    for (const auto& ip : s.ip_sans)
    {
        if (!r.allow_ip_sans)
            return "IP Subject Alternative Names are not allowed in this role, but was provided " + ip;
        if (!valid_ip(ip))
            return "the value \"" + ip + "\" is not a valid IP address";
    }
    return std::nullopt;
}

response issue(call& c, std::string_view role_name)
{
    auto stored_role = load(c, "role/" + std::string(role_name));
    if (!stored_role)
        return error(400, {"unknown role: " + std::string(role_name)});
    role r = role_of(*stored_role);
    auto ca = load(c, "ca");
    if (!ca)
        return error(400, {std::string(no_issuer)});
    json::value cn_v = field(c.req, "common_name");
    if (!cn_v.is_string() || cn_v.get_string().empty())
        return error(400, {std::string(cn_required)});
    const std::string cn(cn_v.get_string());
    subject s{cn, {}, {}, unix_now(c) - backdate, 0, r.key_type};
    if (!weak_bool(field(c.req, "exclude_cn_from_sans")).value_or(false))
        s.dns_sans.push_back(cn);
    for (auto& n : weak_strings(field(c.req, "alt_names")).value_or(std::vector<std::string>{}))
        if (std::find(s.dns_sans.begin(), s.dns_sans.end(), n) == s.dns_sans.end())
            s.dns_sans.push_back(std::move(n));
    s.ip_sans = weak_strings(field(c.req, "ip_sans")).value_or(std::vector<std::string>{});
    if (auto bad = check_names(r, cn, s))
        return error(400, {*bad});
    auto asked = parse_seconds(field(c.req, "ttl"));
    if (!asked)
        return error(400, {"invalid ttl"});
    std::vector<std::string> warnings;
    s.not_after = unix_now(c) + capped_ttl(*asked, r.ttl, r.max_ttl, warnings);
    if (s.not_after > ca->at("expiration").as_int64())
        return error(400, {"cannot satisfy request, as TTL would result in notAfter of " +
                           rfc3339_nano(s.not_after * 1000000000) +
                           " that is beyond the expiration of the CA certificate at " +
                           rfc3339_nano(ca->at("expiration").as_int64() * 1000000000)});
    auto leaf = sign_leaf(s, string_at(*ca, "certificate"), string_at(*ca, "private_key"));
    if (!leaf)
        return error(500, {"failed to sign the certificate"});
    c.st.put(key(c, "certs/" + leaf->serial),
             json::serialize(json::object{{"certificate", leaf->certificate}}));
    const std::string ca_pem = string_at(*ca, "certificate");
    return with_warnings(json::object{{"certificate", leaf->certificate},
                                      {"issuing_ca", ca_pem},
                                      {"ca_chain", json::array{json::value(ca_pem)}},
                                      {"private_key", leaf->private_key},
                                      {"private_key_type", leaf->key_type},
                                      {"serial_number", leaf->serial},
                                      {"expiration", leaf->not_after}},
                         c.mount.mount_type(), warnings);
}

// ca/pem and ca_chain: the PEM as a raw body; no CA yet answers 204 like an empty raw body does.
response ca_pem(call& c)
{
    auto ca = load(c, "ca");
    if (!ca)
        return no_content();
    response r{200, std::nullopt, {{"Content-Type", "application/pem-certificate-chain"}}};
    r.raw = string_at(*ca, "certificate");
    return r;
}

response read_cert(call& c, std::string_view serial)
{
    std::optional<json::object> entry =
        serial == "ca" ? load(c, "ca") : load(c, "certs/" + std::string(serial));
    if (!entry)
        return serial == "ca" ? error(400, {std::string(no_issuer)}) : not_found();
    json::object d{{"certificate", string_at(*entry, "certificate")},
                   {"revocation_time", 0},
                   {"revocation_time_rfc3339", ""}};
    if (serial == "ca")
    {
        d["issuer_id"] = string_at(*entry, "issuer_id");
        d["ca_chain"] = string_at(*entry, "certificate");
    }
    return ok(std::move(d), c.mount.mount_type());
}

response roles(call& c, std::string_view name)
{
    if (c.op == "read")
    {
        auto r = load(c, "role/" + std::string(name));
        return r ? ok(std::move(*r), c.mount.mount_type()) : not_found();
    }
    if (c.op == "delete")
    {
        c.st.del(key(c, "role/" + std::string(name)));
        return no_content();
    }
    if (c.op == "create" || c.op == "update")
        return write_role(c, name);
    return error(405, {"unsupported operation"});
}

}  // namespace

bool name_allowed(const role& r, std::string_view name)
{
    if (r.allow_any_name)
        return true;
    if (r.allow_localhost && (name == "localhost" || name == "localdomain"))
        return true;
    for (const auto& d : r.allowed_domains)
    {
        if (r.allow_bare_domains && name == d)
            return true;
        if (r.allow_subdomains && name.size() > d.size() + 1 && name.ends_with(d) &&
            name[name.size() - d.size() - 1] == '.')
            return true;
    }
    return false;
}

response handle(call& c)
{
    const bool write = c.op == "create" || c.op == "update";
    if (c.op == "list" && c.rel == "roles/")
        return list_response(c.st.list(key(c, "role/")), c.mount.mount_type());
    if (c.op == "list" && c.rel == "certs/")  // the serials of the certificates issued (not the CA's here)
        return list_response(c.st.list(key(c, "certs/")), c.mount.mount_type());
    if (auto kind = path_below(c.rel, "root/generate/"); kind && write)
        return generate_root(c, *kind);
    if (auto name = path_below(c.rel, "issue/"); name && write)
        return issue(c, *name);
    if (auto name = path_below(c.rel, "roles/"))
        return roles(c, *name);
    if (c.op == "read" && (c.rel == "ca/pem" || c.rel == "ca_chain" || c.rel == "cert/ca_chain"))
        return ca_pem(c);
    if (auto serial = path_below(c.rel, "cert/"); serial && c.op == "read")
        return read_cert(c, *serial);
    return error(404, {"unsupported path"});
}

}  // namespace vsim::pki
