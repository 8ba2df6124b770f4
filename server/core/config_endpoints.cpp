// Vault and Consul endpoint blocks, with the standard VAULT_* / CONSUL_* environment variables as fallbacks.
#include "core/config_endpoints.hpp"

namespace vk {
namespace {

// The variable through the config's inputs (the environment, for the daemon), when set and not empty.
std::string env_or(const object_reader& r, const char* name, std::string fallback = {})
{
    auto v = r.inputs().env(name);
    return v && !v->empty() ? *v : fallback;
}

std::optional<secret> env_secret(const object_reader& r, const char* name)
{
    auto v = r.inputs().env(name);
    if (!v || v->empty())
        return std::nullopt;
    return secret(*v, std::string("env ") + name);
}

void check_address(object_reader& r, const std::string& address, const char* env_name)
{
    if (address.empty())
        r.problem("address", std::string("missing required field (an http:// or https:// URL; or set ") +
                                 env_name + ")");
    else if (!is_http_url(address))
        r.problem("address", "\"" + address + "\" is not an http:// or https:// URL");
}

// The auth method's mount: "mount", or "path" (the word of Vault's docs, auth/<path>/login); default the
// method's name. Both may be given only when equal.
std::string read_auth_mount(object_reader& block, const std::string& method)
{
    auto mount = block.string("mount");
    auto path = block.string("path");
    if (mount && path && *mount != *path)
        block.problem("path", "differs from mount (\"" + *mount + "\"): give one of them");
    return path.value_or(mount.value_or(method));
}

vault_auth_config read_vault_auth(object_reader& r)
{
    vault_auth_config a;
    auto block = r.object("auth");
    if (!block)
    {
        a.token = r.secret_value("token");
        if (!a.token)
            a.token = env_secret(r, "VAULT_TOKEN");
        return a;
    }
    a.method = block->one_of("method", {"token", "approle", "kubernetes", "jwt"}, "token");
    a.mount = read_auth_mount(*block, a.method);
    if (a.method == "token")
    {
        a.token = block->secret_value("token");
        if (!a.token)
            a.token = r.secret_value("token");
        if (!a.token)
            a.token = env_secret(r, "VAULT_TOKEN");
    }
    else if (a.method == "approle")
    {
        a.role_id = block->secret_value("role_id", need::required);
        a.secret_id = block->secret_value("secret_id", need::required);
    }
    else if (a.method == "kubernetes")
    {
        a.role = block->string("role", need::required).value_or("");
        a.jwt_file = block->string_or("jwt_file", a.jwt_file);
    }
    else if (a.method == "jwt")
    {
        a.role = block->string("role", need::required).value_or("");
        a.jwt_file = block->string("token_file", need::required).value_or("");
    }
    block->finish();
    return a;
}

// max_response_bytes: the largest buffered answer the client accepts (see default_max_response_bytes).
std::size_t read_max_response_bytes(object_reader& r)
{
    auto n = r.integer("max_response_bytes", 0, INT64_MAX);
    if (!n)
        return default_max_response_bytes;
    if (*n < min_max_response_bytes || *n > max_max_response_bytes)
    {
        r.problem("max_response_bytes", "must be between 65536 (64 KiB) and 1073741824 (1 GiB) bytes");
        return default_max_response_bytes;
    }
    return static_cast<std::size_t>(*n);
}

// The keys each form of a kubernetes entry may use besides the one that names the form.
struct kubernetes_form
{
    const char* key;  // in_cluster, kubeconfig or api_server
    std::vector<const char*> companions;
};

const std::vector<kubernetes_form>& kubernetes_forms()
{
    static const std::vector<kubernetes_form> forms{
        {"in_cluster", {"service_account_dir"}},
        {"kubeconfig", {"context"}},
        {"api_server", {"token", "ca_file"}},
    };
    return forms;
}

// The form the entry names (in_cluster only when true), or nullptr after reporting none or several.
const kubernetes_form* pick_kubernetes_form(object_reader& r, const kubernetes_config& k)
{
    std::vector<const kubernetes_form*> given;
    for (const auto& f : kubernetes_forms())
        if (std::string_view(f.key) == "in_cluster" ? k.in_cluster : r.has(f.key))
            given.push_back(&f);
    if (given.size() == 1)
        return given.front();
    if (given.empty())
        r.problem("", "give one of \"in_cluster\": true, kubeconfig (with an optional context) or api_server "
                      "(with token and ca_file)");
    else
        r.problem(given[1]->key, std::string("cannot be given with ") + given[0]->key + ": use one form");
    return nullptr;
}

}  // namespace

kubernetes_config read_kubernetes(const std::string& name, object_reader& r)
{
    kubernetes_config k;
    k.name = name;
    k.in_cluster = r.boolean_or("in_cluster", false);
    k.service_account_dir = r.string_or("service_account_dir", k.service_account_dir);
    k.kubeconfig = r.string_or("kubeconfig", "");
    k.context = r.string_or("context", "");
    k.api_server = r.string_or("api_server", "");
    k.token = r.secret_value("token");
    k.ca_file = r.string_or("ca_file", "");
    if (const auto* form = pick_kubernetes_form(r, k))
    {
        for (const auto& other : kubernetes_forms())
            for (const char* key : other.companions)
                if (&other != form && r.has(key))
                    r.problem(key, std::string("only goes with ") + other.key);
        if (form->key == std::string_view("api_server"))
        {
            if (!is_http_url(k.api_server))
                r.problem("api_server", "\"" + k.api_server + "\" is not an http:// or https:// URL");
            if (!r.has("token"))
                r.problem("token", "missing required field (a string, {\"file\": ...} or {\"env\": ...})");
        }
        if (k.in_cluster && k.service_account_dir.empty())
            r.problem("service_account_dir", "must not be empty");
        if (form->key == std::string_view("kubeconfig") && k.kubeconfig.empty())
            r.problem("kubeconfig", "must not be empty");
    }
    r.finish();
    return k;
}

bool is_http_url(std::string_view url)
{
    std::string_view rest;
    if (url.starts_with("http://"))
        rest = url.substr(7);
    else if (url.starts_with("https://"))
        rest = url.substr(8);
    else
        return false;
    return !rest.empty() && rest.front() != '/' && rest.find_first_of(" \t") == std::string_view::npos;
}

tls_client_config read_tls_client(object_reader& parent)
{
    tls_client_config t;
    auto r = parent.object("tls");
    if (!r)
        return t;
    t.ca_file = r->string_or("ca_file", "");
    t.ca_path = r->string_or("ca_path", "");
    t.cert_file = r->string_or("cert_file", "");
    t.key_file = r->string_or("key_file", "");
    t.server_name = r->string_or("server_name", "");
    t.skip_verify = r->boolean_or("skip_verify", false);
    if (t.cert_file.empty() != t.key_file.empty())
        r->problem("", "cert_file and key_file go together");
    r->finish();
    return t;
}

vault_config read_vault(const std::string& name, object_reader& r)
{
    vault_config v;
    v.name = name;
    v.address = r.string_or("address", env_or(r, "VAULT_ADDR"));
    check_address(r, v.address, "VAULT_ADDR");
    v.auth = read_vault_auth(r);
    v.namespace_ = r.string_or("namespace", env_or(r, "VAULT_NAMESPACE"));
    v.tls = read_tls_client(r);
    if (v.tls.ca_file.empty())
        v.tls.ca_file = env_or(r, "VAULT_CACERT");
    v.max_connections = static_cast<int>(r.integer_or("max_connections", 1, 4096, v.max_connections));
    v.request_timeout = r.dur_or("request_timeout", v.request_timeout);
    v.max_response_bytes = read_max_response_bytes(r);
    r.finish();
    return v;
}

consul_config read_consul(const std::string& name, object_reader& r)
{
    consul_config c;
    c.name = name;
    c.address = r.string_or("address", env_or(r, "CONSUL_HTTP_ADDR"));
    if (!c.address.empty() && !c.address.starts_with("http"))
        c.address = "http://" + c.address;  // CONSUL_HTTP_ADDR is commonly host:port
    check_address(r, c.address, "CONSUL_HTTP_ADDR");
    c.token = r.secret_value("token");
    if (!c.token)
        c.token = env_secret(r, "CONSUL_HTTP_TOKEN");
    c.datacenter = r.string_or("datacenter", "");
    c.tls = read_tls_client(r);
    c.max_connections = static_cast<int>(r.integer_or("max_connections", 1, 4096, c.max_connections));
    c.request_timeout = r.dur_or("request_timeout", c.request_timeout);
    c.max_response_bytes = read_max_response_bytes(r);
    c.max_blocking_queries =
        static_cast<std::size_t>(r.integer_or("max_blocking_queries", 1, 4096, c.max_blocking_queries));
    r.finish();
    return c;
}

}  // namespace vk
