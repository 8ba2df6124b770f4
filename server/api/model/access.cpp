// Token digests, the constant-time lookup and the verdict.
#include "api/model/access.hpp"

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

std::string_view to_string(denial d)
{
    switch (d)
    {
    case denial::no_token: return "no_token";
    case denial::unknown_token: return "unknown_token";
    case denial::missing_scope: return "missing_scope";
    case denial::job_not_allowed: return "job_not_allowed";
    }
    return "unknown_token";
}

bool unauthenticated(denial d)
{
    return d == denial::no_token || d == denial::unknown_token;
}

access_list access_list::from(const admin_config& admin)
{
    access_list out;
    if (!admin.token.empty())
        out.entries_.push_back({digest_of(admin.token.reveal()), principal{"admin", scope_set::all(), {}}});
    for (const auto& t : admin.tokens)
        out.entries_.push_back({digest_of(t.token.reveal()), principal{t.name, t.scopes, t.jobs}});
    return out;
}

const principal* access_list::identify(std::string_view bearer) const
{
    const auto presented = digest_of(bearer);
    const principal* found = nullptr;
    for (const auto& e : entries_)
    {
        const bool same = CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0;
        if (same && !found)  // no early exit: every entry costs the same
            found = &e.who;
    }
    return found;
}

verdict access_list::decide(std::optional<std::string_view> bearer, scope needed, std::string_view job) const
{
    verdict v;
    if (!bearer || bearer->empty())
    {
        v.refused = denial::no_token;
        v.message = "an admin token is required (Authorization: Bearer <token>)";
        return v;
    }
    v.who = identify(*bearer);
    if (!v.who)
    {
        v.refused = denial::unknown_token;
        v.message = "the admin token is not valid";
        return v;
    }
    if (!v.who->scopes.has(needed))
    {
        v.refused = denial::missing_scope;
        v.message = "this token lacks the \"" + std::string(to_string(needed)) + "\" scope";
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
