// Token digests, the constant-time lookup and the verdict.
#include "api/model/access.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace vk::api {

std::optional<std::string_view> bearer_token(std::string_view authorization)
{
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size())
        return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i])
            return std::nullopt;
    return authorization.substr(scheme.size());
}

token_digest digest_of(std::string_view token)
{
    token_digest d;
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
    return d;
}

bool principal::may_touch(std::string_view job) const
{
    if (jobs.empty())
        return true;
    for (const auto& g : jobs)
        if (glob_match(g, job))
            return true;
    return false;
}

std::string_view to_string(credential c)
{
    return c == credential::client_certificate ? "client_certificate" : "token";
}

namespace {

std::string lowered(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool san_matches(std::string_view selector, std::string_view san)
{
    auto colon = selector.find(':');
    if (colon == std::string_view::npos || san.substr(0, colon + 1) != selector.substr(0, colon + 1))
        return false;
    auto glob = selector.substr(colon + 1);
    auto value = san.substr(colon + 1);
    if (selector.starts_with("dns:"))
        return glob_match(lowered(glob), lowered(value));
    return glob_match(glob, value);
}

}  // namespace

bool matches(const client_cert_match& m, const peer_certificate& cert)
{
    if (!m.subject.empty())
        return m.subject == cert.subject;
    return std::ranges::any_of(cert.sans, [&](const std::string& san) { return san_matches(m.san, san); });
}

std::string_view to_string(denial d)
{
    switch (d)
    {
    case denial::no_token: return "no_token";
    case denial::unknown_token: return "unknown_token";
    case denial::unknown_certificate: return "unknown_certificate";
    case denial::certificate_required: return "certificate_required";
    case denial::missing_scope: return "missing_scope";
    case denial::job_not_allowed: return "job_not_allowed";
    }
    return "unknown_token";
}

bool unauthenticated(denial d)
{
    return d != denial::missing_scope && d != denial::job_not_allowed;
}

access_list access_list::from(const admin_config& admin)
{
    access_list out;
    out.certificates_only_ = admin.require_client_cert;
    if (!admin.token.empty())
        out.entries_.push_back(
            {digest_of(admin.token.reveal()), std::nullopt, principal{"admin", scope_set::all(), {}}});
    for (const auto& t : admin.tokens)
    {
        std::optional<token_digest> digest;
        if (!t.token.empty())
            digest = digest_of(t.token.reveal());
        out.entries_.push_back({digest, t.client_cert, principal{t.name, t.scopes, t.jobs}});
    }
    return out;
}

const principal* access_list::identify(std::string_view bearer) const
{
    const auto presented = digest_of(bearer);
    const principal* found = nullptr;
    for (const auto& e : entries_)
    {
        const bool same =
            e.digest && CRYPTO_memcmp(e.digest->data(), presented.data(), presented.size()) == 0;
        if (same && !found)  // no early exit: every entry costs the same
            found = &e.who;
    }
    return found;
}

const principal* access_list::identify(const peer_certificate& cert) const
{
    for (const auto& e : entries_)
        if (e.cert && matches(*e.cert, cert))
            return &e.who;
    return nullptr;
}

verdict access_list::identified(const credentials& presented) const
{
    verdict v;
    const bool bearer = presented.bearer && !presented.bearer->empty();
    if (bearer && !certificates_only_)
    {
        if (const auto* p = identify(*presented.bearer))
            v.who = *p;
        else
        {
            v.refused = denial::unknown_token;
            v.message = "the admin token is not valid";
        }
        return v;
    }
    v.via = credential::client_certificate;
    if (const auto* p = presented.cert ? identify(*presented.cert) : nullptr)
    {
        v.who = *p;
        return v;
    }
    if (presented.cert)
    {
        v.refused = denial::unknown_certificate;
        v.message = "the client certificate names no admin token entry";
    }
    else if (certificates_only_)
    {
        v.refused = denial::certificate_required;
        v.message = "this admin API accepts client certificates only; bearer tokens are refused";
    }
    else
    {
        v.via = credential::token;
        v.refused = denial::no_token;
        v.message = "an admin token is required (Authorization: Bearer <token>)";
    }
    return v;
}

verdict access_list::decide(const credentials& presented, scope needed, std::string_view job) const
{
    verdict v = identified(presented);
    if (v.refused)
        return v;
    if (!v.who->scopes.has(needed))
    {
        v.refused = denial::missing_scope;
        v.message = "this " + std::string(v.via == credential::token ? "token" : "certificate") +
                    " lacks the \"" + std::string(to_string(needed)) + "\" scope";
        return v;
    }
    // A token limited to some jobs may read what concerns no job (the job list, the log level), not change
    // it.
    const bool outside =
        job.empty() ? needed != scope::read && v.who->limited_to_jobs() : !v.who->may_touch(job);
    if (outside)
    {
        v.refused = denial::job_not_allowed;
        v.message = job.empty() ? "this token is limited to some jobs; this route concerns none"
                                : "this token may not act on job \"" + std::string(job) + "\"";
    }
    return v;
}

}  // namespace vk::api
