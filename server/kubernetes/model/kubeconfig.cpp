// kubeconfig YAML -> access, with yaml-cpp; only bearer-token users are supported.
#include "kubernetes/model/kubeconfig.hpp"

#include "core/base64.hpp"

#include <yaml-cpp/yaml.h>

namespace vk::kubernetes {
namespace {

// The user fields that mean another way to authenticate, which the daemon does not implement.
constexpr const char* unsupported_user_keys[] = {
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "exec",
    "auth-provider",
    "username",
    "password",
};

class kubeconfig_reader
{
public:
    explicit kubeconfig_reader(std::string source)
        : source_(std::move(source))
    {
    }

    error fail(const std::string& what) const
    {
        return make_error(errc::invalid_argument, "kubeconfig " + source_ + ": " + what);
    }

    // The `field` map of the entry called `name` in the list `list` (contexts, clusters, users).
    result<YAML::Node> named(const YAML::Node& doc, const char* list, const char* field,
                             const std::string& name) const
    {
        const auto entries = doc[list];
        if (entries && entries.IsSequence())
            for (const auto& e : entries)
                if (e.IsMap() && e["name"] && e["name"].as<std::string>() == name && e[field].IsMap())
                    return e[field];
        // In place: YAML::Node's converting constructor makes the plain conversion ambiguous.
        return {boost::system::in_place_error,
                fail(std::string(list) + ": no entry named \"" + name + "\" with a " + field + " map")};
    }

    const std::string& source() const noexcept { return source_; }

private:
    std::string source_;
};

std::string text_of(const YAML::Node& n, const char* key)
{
    return n[key] && n[key].IsScalar() ? n[key].as<std::string>() : std::string();
}

// Relative paths in a kubeconfig are relative to its folder.
std::string beside(const std::string& dir, const std::string& path)
{
    if (path.empty() || path.front() == '/' || dir.empty())
        return path;
    return dir + "/" + path;
}

result<void> read_cluster(const kubeconfig_reader& r, const YAML::Node& cluster, const std::string& dir,
                          access& out)
{
    out.api_server = text_of(cluster, "server");
    if (out.api_server.empty())
        return r.fail("the cluster has no server");
    if (cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>(false))
        return r.fail("insecure-skip-tls-verify is not supported: give the cluster's CA");
    out.ca_file = beside(dir, text_of(cluster, "certificate-authority"));
    if (auto data = text_of(cluster, "certificate-authority-data"); !data.empty())
    {
        auto pem = base64_decode(data);
        if (!pem)
            return r.fail("certificate-authority-data is not base64");
        out.ca_pem = std::move(*pem);
    }
    return {};
}

result<void> read_user(const kubeconfig_reader& r, const YAML::Node& user, const std::string& dir,
                       kubeconfig_access& out)
{
    for (const char* key : unsupported_user_keys)
        if (user[key])
            return r.fail(std::string("the user's ") + key + " is not supported: use a token");
    auto token = text_of(user, "token");
    out.token_file = beside(dir, text_of(user, "tokenFile"));
    if (token.empty() && out.token_file.empty())
        return r.fail("the user has no token or tokenFile");
    if (!token.empty())
        out.a.token = secret(std::move(token), "kubeconfig " + r.source());
    return {};
}

result<kubeconfig_access> read_context(const kubeconfig_reader& r, const YAML::Node& doc,
                                       const std::string& dir, std::string context)
{
    if (context.empty())
        context = text_of(doc, "current-context");
    if (context.empty())
        return r.fail("no context given and no current-context");
    auto ctx = r.named(doc, "contexts", "context", context);
    if (!ctx)
        return ctx.error();
    kubeconfig_access out;
    out.a.default_namespace = text_of(*ctx, "namespace");
    if (out.a.default_namespace.empty())
        out.a.default_namespace = "default";
    auto cluster = r.named(doc, "clusters", "cluster", text_of(*ctx, "cluster"));
    if (!cluster)
        return cluster.error();
    if (auto c = read_cluster(r, *cluster, dir, out.a); !c)
        return c.error();
    auto user = r.named(doc, "users", "user", text_of(*ctx, "user"));
    if (!user)
        return user.error();
    if (auto u = read_user(r, *user, dir, out); !u)
        return u.error();
    return out;
}

}  // namespace

result<kubeconfig_access> parse_kubeconfig(std::string_view text, const std::string& dir,
                                           const std::string& context, const std::string& source)
{
    kubeconfig_reader r(source);
    try
    {
        auto doc = YAML::Load(std::string(text));
        if (!doc.IsMap())
            return r.fail("not a YAML map");
        return read_context(r, doc, dir, context);
    }
    catch (const YAML::Exception& e)
    {
        // The mark, not e.what(): the message may quote the line, which may hold a token.
        return r.fail("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1));
    }
}

result<std::string> in_cluster_server(const std::optional<std::string>& host,
                                      const std::optional<std::string>& port)
{
    if (!host || host->empty() || !port || port->empty())
        return make_error(errc::invalid_argument,
                          "in_cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not "
                          "running in a pod?)");
    const bool ipv6 = host->find(':') != std::string::npos;
    return "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
}

}  // namespace vk::kubernetes
