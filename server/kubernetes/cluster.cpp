// resolve(): the file and environment reads around kubernetes/model/kubeconfig.
#include "kubernetes/cluster.hpp"

#include "core/read_file.hpp"

#include <cstdlib>

namespace vk::kubernetes {
namespace {

std::optional<std::string> env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
}

error unreadable(const kubernetes_config& c, const std::string& what, const std::string& path)
{
    return make_error(errc::invalid_argument, "kubernetes " + c.name + ": cannot read " + what + " " + path);
}

// A token from a file, labelled "file <path>" so that api_client re-reads it after a 401.
result<secret> token_file(const kubernetes_config& c, const std::string& path)
{
    auto text = read_file(path);
    auto value = without_line_end(text.value_or(""));
    if (value.empty())
        return unreadable(c, "the token", path);
    return secret(std::move(value), "file " + path);
}

error named(const kubernetes_config& c, error e)
{
    e.message = "kubernetes " + c.name + ": " + e.message;
    return e;
}

result<access> in_cluster(const kubernetes_config& c)
{
    auto server = in_cluster_server(env("KUBERNETES_SERVICE_HOST"), env("KUBERNETES_SERVICE_PORT"));
    if (!server)
        return named(c, server.error());
    const auto& dir = c.service_account_dir;
    auto token = token_file(c, dir + "/token");
    if (!token)
        return token.error();
    access a{*server,
             std::move(*token),
             dir + "/ca.crt",
             {},
             without_line_end(read_file(dir + "/namespace").value_or(""))};
    if (a.default_namespace.empty())
        a.default_namespace = "default";
    return a;
}

result<access> from_kubeconfig(const kubernetes_config& c)
{
    auto text = read_file(c.kubeconfig);
    if (!text)
        return unreadable(c, "the kubeconfig", c.kubeconfig);
    const auto slash = c.kubeconfig.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : c.kubeconfig.substr(0, slash);
    auto parsed = parse_kubeconfig(*text, dir, c.context, c.kubeconfig);
    if (!parsed)
        return named(c, parsed.error());
    if (!parsed->token_file.empty() && parsed->a.token.empty())
    {
        auto token = token_file(c, parsed->token_file);
        if (!token)
            return token.error();
        parsed->a.token = std::move(*token);
    }
    return std::move(parsed->a);
}

}  // namespace

result<access> resolve(const kubernetes_config& cluster)
{
    if (cluster.in_cluster)
        return in_cluster(cluster);
    if (!cluster.kubeconfig.empty())
        return from_kubeconfig(cluster);
    return access{cluster.api_server, cluster.token.value_or(secret()), cluster.ca_file, {}, "default"};
}

}  // namespace vk::kubernetes
