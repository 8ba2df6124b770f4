// The logical layer's front: authentication, ACL enforcement and routing to the engines by mount.
#include "logical.hpp"

#include "approle.hpp"
#include "auth_cache.hpp"
#include "database.hpp"
#include "jwt_auth.hpp"
#include "kv_v1.hpp"
#include "kv_v2.hpp"
#include "kv_v2_bulk.hpp"
#include "kv_v2_record.hpp"
#include "lease_store.hpp"
#include "pki.hpp"
#include "sys_leases.hpp"
#include "sys_mounts.hpp"
#include "sys_policy.hpp"
#include "token_api.hpp"
#include "transit.hpp"

namespace vsim {

namespace {

// Paths that also need "sudo" (Vault's root paths of the system backend and token store).
constexpr std::string_view sudo_prefixes[] = {"sys/auth/",
                                              "sys/raw",
                                              "sys/audit",
                                              "sys/rotate",
                                              "sys/seal",
                                              "sys/step-down",
                                              "sys/leases/lookup/",
                                              "sys/leases/revoke-prefix/",
                                              "sys/leases/revoke-force/",
                                              "sys/revoke-prefix/",
                                              "sys/revoke-force/",
                                              "sys/storage/raft/snapshot",
                                              "auth/token/accessors/",
                                              "auth/token/revoke-orphan"};

bool needs_sudo(std::string_view path)
{
    for (auto p : sudo_prefixes)
        if (path.starts_with(p))
            return true;
    return false;
}

std::string_view media_type(std::string_view ct)
{
    auto semi = ct.find(';');
    ct = ct.substr(0, semi);
    while (!ct.empty() && ct.back() == ' ')
        ct.remove_suffix(1);
    return ct;
}

}  // namespace

struct logical::impl
{
    storage& st;
    mount_table mounts;
    auth_cache auth;

    explicit impl(storage& s)
        : st(s)
    {
    }

    // "create" or "update" for a write, by the engine's existence check; other ops unchanged.
    std::string effective_op(const request& req, const mount_entry* m, std::string_view rel,
                             const token_entry* t)
    {
        if (req.op != "create" && req.op != "update")
            return req.op;
        if (!m)
            return "update";
        bool exists = true;
        if (m->kv_v2())
            exists = kv2::exists(st, *m, rel);
        else if (m->type == "kv" || m->type == "generic")
            exists = kv1::exists(st, m->data_prefix() + "k/", rel);
        else if (m->type == "cubbyhole" && t)
            exists = kv1::exists(st, cubbyhole_prefix(t->id), rel);
        else if (m->type == "transit")
            exists = transit::exists(st, *m, rel);
        return exists ? "update" : "create";
    }

    // num_uses accounting: the last permitted use revokes the token (after this request is served).
    void use_token(const token_entry& t)
    {
        if (t.num_uses <= 0)
            return;
        token_entry copy = t;
        if (copy.num_uses == 1)
        {
            revoke_token(st, copy.id);
            return;
        }
        --copy.num_uses;
        save_token(st, copy);
    }

    response dispatch(call& c)
    {
        const mount_entry& m = c.mount;
        if (m.kv_v2())
            return kv2::handle(c);
        if (m.type == "kv" || m.type == "generic")
            return kv1::handle(c, m.data_prefix() + "k/");
        if (m.type == "cubbyhole")
            return kv1::handle(c, cubbyhole_prefix(c.token->id));
        if (m.type == "token")
            return token_api::handle(c);
        if (m.type == "approle")
            return approle::handle(c);
        if (jwt::is_jwt_type(m.type))
            return jwt::handle(c);
        if (m.type == "database")
            return database::handle(c);
        if (m.type == "pki")
            return pki::handle(c);
        if (m.type == "transit")
            return transit::handle(c);
        if (m.type == "system")
        {
            if (auto r = sys_mounts(c, mounts, c.rel))
                return std::move(*r);
            acl_for acls = [this](const token_entry& t) { return auth.acl_of(st, t); };
            if (auto r = sys_policy(c, c.rel, acls))
                return std::move(*r);
            if (auto r = sys_leases(c, c.rel))
                return std::move(*r);
        }
        return error(404, {"unsupported path"});
    }

    response handle(const request& req, clock::time_point now)
    {
        // Normally caught by the HTTP front already; kept so direct callers see Vault's answer too.
        if (req.op == "patch" && media_type(req.content_type) != "application/merge-patch+json")
            return error(415, {"PATCH requires Content-Type of application/merge-patch+json, got \"" +
                               std::string(media_type(req.content_type)) + "\""});
        mounts.sync(st);
        const mount_entry* m = mounts.route(req.path);
        std::string_view rel;
        if (m)
            rel = std::string_view(req.path).substr(std::min(req.path.size(), m->route().size()));
        std::int64_t now_ns = unix_nanos(now);
        const token_entry* t = nullptr;
        bool open = m && ((m->type == "approle" && approle::unauthenticated(rel)) ||
                          (jwt::is_jwt_type(m->type) && jwt::unauthenticated(rel)));
        if (!open)
        {
            if (req.token.empty())
                return error(403, {std::string(denied_no_token)});
            t = auth.token(st, req.token, now_ns);
            if (!t)
            {
                // An expired token is gone for good: drop its entry (and children) like Vault's expiry
                // manager.
                if (st.find(token_key(req.token)))
                    revoke_token(st, req.token);
                return error(403, {std::string(denied_bad_token)});
            }
        }
        std::string op = effective_op(req, m, rel, t);
        if (t)
        {
            auto a = auth.acl_of(st, *t);
            if (!a->allows(req.path, op) || (needs_sudo(req.path) && !a->allows(req.path, "sudo")))
                return error(403, {std::string(denied_policy)});
        }
        if (!m)
            return error(404, {"no handler for route \"" + req.path + "\". route entry not found."});
        token_entry caller = t ? *t : token_entry{};
        call c{st, req, now, now_ns, *m, rel, t ? &caller : nullptr, std::move(op)};
        if (t)
            use_token(caller);
        return dispatch(c);
    }
};

logical::logical(storage& st)
    : impl_(std::make_unique<impl>(st))
{
}
logical::~logical() = default;

std::string logical::initialize(const std::string& dev_root_token, clock::time_point now)
{
    storage& st = impl_->st;
    mount_table& mt = impl_->mounts;
    mt.sync(st);
    if (!mt.find("sys/", false))
    {
        mt.add(default_mount("cubbyhole/", "cubbyhole", "per-token private secret storage"));
        mt.add(default_mount("identity/", "identity", "identity store"));
        mt.add(default_mount("sys/", "system", "system endpoints used for control, policy and debugging"));
        mt.add(default_mount("token/", "token", "token based credentials", true));
        if (!dev_root_token.empty())
        {
            mount_entry kv = default_mount("secret/", "kv", "key/value secret storage");
            kv.version = "2";
            mt.add(std::move(kv));
        }
        mt.save(st);
    }
    if (!st.find(policy_key("default")))
        put_policy(st, "default", default_policy_text());
    token_params p;
    p.policies = {"root"};
    p.display_name = "root";
    p.path = "auth/token/root";
    p.renewable = false;
    p.orphan = true;
    p.fixed_id = dev_root_token;
    return create_token(st, std::move(p), unix_nanos(now)).id;
}

response logical::handle(const request& req, clock::time_point now)
{
    return impl_->handle(req, now);
}

bool logical::allowed(const std::string& token, const std::string& path, const std::string& capability,
                      clock::time_point now) const
{
    const token_entry* t = impl_->auth.token(impl_->st, token, unix_nanos(now));
    if (!t)
        return false;
    return impl_->auth.acl_of(impl_->st, *t)->allows(path, capability);
}

namespace {

// Runs fill with the persistence callback held back, then calls it once (one save for a whole bulk load).
template <typename Fill> void in_one_batch(storage& st, Fill fill)
{
    auto hook = std::move(st.on_change);
    st.on_change = nullptr;
    fill();
    st.on_change = std::move(hook);
    if (st.on_change)
        st.on_change();
}

}  // namespace

const mount_entry* logical::kv2_mount(const std::string& mount)
{
    impl_->mounts.sync(impl_->st);
    const mount_entry* m = impl_->mounts.find(normalize_mount_path(mount), false);
    return m && m->kv_v2() ? m : nullptr;
}

bool logical::load_synthetic(const std::string& mount, const std::string& prefix, std::size_t n,
                             clock::time_point now)
{
    const mount_entry* m = kv2_mount(mount);
    if (!m)
        return false;
    storage& st = impl_->st;
    std::string base = kv2::key_prefix(m->data_prefix()) + prefix;
    std::int64_t now_ns = unix_nanos(now);
    in_one_batch(st, [&] {
        for (std::size_t i = 0; i < n; ++i)
        {
            std::string idx = std::to_string(i);
            st.put(base + idx, kv2::synthetic_record(now_ns, R"({"index":)" + idx +
                                                                 R"(,"value":"synthetic-)" + idx + R"("})"));
        }
    });
    return true;
}

std::optional<std::vector<std::string>> logical::seed(const std::string& mount, const std::string& prefix,
                                                      std::uint32_t n, std::uint64_t seed,
                                                      clock::time_point now)
{
    const mount_entry* m = kv2_mount(mount);
    if (!m)
        return std::nullopt;
    storage& st = impl_->st;
    const std::string base = kv2::key_prefix(m->data_prefix());
    const std::int64_t now_ns = unix_nanos(now);
    std::vector<std::string> sample;
    in_one_batch(st, [&] {
        for (std::uint32_t i = 0; i < n; ++i)
        {
            auto s = kv2::seeded(seed, i, prefix, now_ns);
            st.put(base + s.path, kv2::synthetic_record(s.written_ns, s.data_json));
            if (sample.size() < 5)
                sample.push_back(std::move(s.path));
        }
    });
    return sample;
}

std::optional<std::pair<std::size_t, std::string>> logical::digest(const std::string& mount,
                                                                   clock::time_point now)
{
    const mount_entry* m = kv2_mount(mount);
    if (!m)
        return std::nullopt;
    auto d = kv2::digest(impl_->st, kv2::key_prefix(m->data_prefix()), unix_nanos(now));
    return std::pair{d.secrets, std::move(d.sha256)};
}

json::array logical::live_leases(clock::time_point now)
{
    json::array out;
    for (const auto& l : leases::live(impl_->st, unix_nanos(now)))
        out.push_back(leases::lookup_json(l, unix_nanos(now)));
    return out;
}

void logical::reload()
{
    impl_->auth.clear();
    impl_->mounts = mount_table{};
}

}  // namespace vsim
