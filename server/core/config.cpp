// parse_config: the top-level blocks (admin, log, vaults, consuls, kubernetes, notify, ha) and the jobs list.
#include "core/config.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include <cstdio>
#include <regex>
#include <set>

#include <unistd.h>

#include "core/config_endpoints.hpp"
#include "core/config_ha.hpp"
#include "core/config_reload.hpp"

namespace vk {
namespace json = boost::json;
namespace {

// Position of byte offset `at` in text as "line L, column C".
std::string position(std::string_view text, std::size_t at)
{
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < at && i < text.size(); ++i)
    {
        if (text[i] == '\n')
        {
            ++line;
            col = 1;
        }
        else
            ++col;
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

std::optional<json::value> parse_json(std::string_view text, config_problems& problems)
{
    json::stream_parser p;
    boost::system::error_code ec;
    std::size_t used = p.write(text.data(), text.size(), ec);
    if (!ec)
        p.finish(ec);
    if (ec)
    {
        problems.push_back({"", "invalid JSON at " + position(text, used) + ": " + ec.message()});
        return std::nullopt;
    }
    return p.release();
}

}  // namespace

bool is_loopback_listen(std::string_view listen)
{
    auto colon = listen.rfind(':');
    std::string_view host = listen.substr(0, colon == std::string_view::npos ? listen.size() : colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    bool dotted_quad = std::count(host.begin(), host.end(), '.') == 3 &&
                       host.find_first_not_of("0123456789.") == std::string_view::npos;
    return host == "localhost" || host == "::1" || (dotted_quad && host.starts_with("127."));
}

namespace {

// "EMAIL:ops@x" -> "email:ops@x"; "" when the type is not one a certificate is mapped by.
std::string normalized_san(std::string_view san)
{
    auto colon = san.find(':');
    if (colon == std::string_view::npos || colon + 1 == san.size())
        return "";
    std::string type(san.substr(0, colon));
    std::ranges::transform(type, type.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (type != "email" && type != "dns" && type != "uri")
        return "";
    return type + std::string(san.substr(colon));
}

bool same_match(const client_cert_match& a, const client_cert_match& b)
{
    return a.san == b.san && a.subject == b.subject;
}

// admin.tokens[].client_cert: {"san": "email:ops@example"} or {"subject": "CN=deployer,O=Example"}.
std::optional<client_cert_match> read_client_cert(object_reader& t)
{
    auto c = t.object("client_cert");
    if (!c)
        return std::nullopt;
    client_cert_match m;
    auto san = c->string_or("san", "");
    m.subject = c->string_or("subject", "");
    if (san.empty() == m.subject.empty())
        c->problem("san", "give one of san (\"email:...\", \"dns:...\" or \"uri:...\") and subject");
    else if (!san.empty() && (m.san = normalized_san(san)).empty())
        c->problem("san", "\"" + san + "\" does not start with email:, dns: or uri: followed by a value");
    c->finish();
    return m;
}

// admin.tokens: [{name, token, scopes, jobs}], names and tokens unique (with admin.token as "admin").
void read_admin_tokens(object_reader& admin, admin_config& out)
{
    std::set<std::string> names;
    if (!out.token.empty())
        names.insert("admin");
    admin.each_object("tokens", [&](object_reader& t) {
        admin_token entry;
        entry.name = t.string("name", need::required).value_or("");
        if (!entry.name.empty() && !names.insert(entry.name).second)
            t.problem("name", "\"" + entry.name + "\" is used by another token (\"admin\" is admin.token's)");
        entry.client_cert = read_client_cert(t);
        auto v = t.secret_value("token");
        if (!v && !entry.client_cert && !t.has("token"))
            t.problem("token", "missing required field (a string, {\"file\": ...} or {\"env\": ...}) unless "
                               "client_cert is given");
        for (const auto& other : out.tokens)
            if (entry.client_cert && other.client_cert && same_match(*other.client_cert, *entry.client_cert))
                t.problem("client_cert", "the same certificate as \"" + other.name + "\"");
        if (v)
        {
            entry.token = *v;
            if (v->reveal().size() < 16)
                t.problem("token", "must be at least 16 characters");
            for (const auto& other : out.tokens)
                if (other.token == entry.token)
                    t.problem("token", "the same token as \"" + other.name + "\"");
            if (!out.token.empty() && out.token == entry.token)
                t.problem("token", "the same token as admin.token");
        }
        std::string unknown;
        entry.scopes = scope_set::parse(t.string_list("scopes", need::required), &unknown);
        if (!unknown.empty())
            t.problem("scopes",
                      "unknown scope \"" + unknown + "\" (read, operate, approve, rekey, restore or *)");
        else if (entry.scopes.empty())
            t.problem("scopes", "must name at least one scope");
        entry.jobs = t.string_list("jobs");
        t.finish();
        out.tokens.push_back(std::move(entry));
    });
}

// admin.tls: the listener's certificate and key, and the CA its clients' certificates are verified against.
void read_admin_tls(object_reader& admin, admin_config& out)
{
    if (auto tls = admin.object("tls"))
    {
        out.tls_cert_file = tls->string("cert_file", need::required);
        out.tls_key_file = tls->string("key_file", need::required);
        out.tls_client_ca_file = tls->string("client_ca_file");
        out.require_client_cert = tls->boolean_or("require_client_cert", false);
        if (out.require_client_cert && !out.tls_client_ca_file)
            tls->problem("require_client_cert",
                         "needs client_ca_file, the CA the certificates are verified against");
        tls->finish();
    }
    const bool by_cert =
        std::ranges::any_of(out.tokens, [](const admin_token& t) { return t.client_cert.has_value(); });
    if (by_cert && !out.tls_client_ca_file)
        admin.problem("tokens",
                      "a client_cert entry needs admin.tls.client_ca_file (no certificate is asked for "
                      "without it)");
    if (!out.require_client_cert)
        return;
    if (!by_cert)
        admin.problem("tokens",
                      "no entry names a client_cert, yet admin.tls.require_client_cert refuses every "
                      "bearer token");
    if (!out.token.empty())
        admin.problem("token",
                      "is a bearer token, which admin.tls.require_client_cert refuses; remove one of them");
}

void read_admin(object_reader& root, config& cfg)
{
    auto r = root.object("admin", need::required);
    if (!r)
        return;
    cfg.admin.listen = r->string_or("listen", cfg.admin.listen);
    if (cfg.admin.listen.rfind(':') == std::string::npos)
        r->problem("listen", "expected host:port");
    if (auto t = r->secret_value("token"))
    {
        cfg.admin.token = *t;
        if (t->reveal().size() < 16)
            r->problem("token", "must be at least 16 characters");
    }
    read_admin_tokens(*r, cfg.admin);
    if (cfg.admin.token.empty() && cfg.admin.tokens.empty() && !r->has("token"))
        r->problem("token", "missing required field (a string, {\"file\": ...} or {\"env\": ...}) unless "
                            "admin.tokens is given");
    read_admin_tls(*r, cfg.admin);
    cfg.admin.insecure_listen = r->boolean_or("insecure_listen", false);
    cfg.admin.hosts = r->string_list("hosts");
    if (!is_loopback_listen(cfg.admin.listen) && !cfg.admin.tls_cert_file && !cfg.admin.insecure_listen)
        r->problem("listen",
                   "\"" + cfg.admin.listen +
                       "\" is not a loopback address: configure admin.tls, or say \"insecure_listen\": true");
    r->finish();
}

void read_log(object_reader& root, config& cfg)
{
    auto r = root.object("log");
    if (!r)
        return;
    cfg.log.level = r->one_of("level", {"trace", "debug", "info", "warn", "error"}, cfg.log.level);
    cfg.log.format = r->one_of("format", {"text", "json"}, cfg.log.format);
    r->finish();
}

void read_audit(object_reader& root, config& cfg)
{
    auto r = root.object("audit");
    if (!r)
        return;
    cfg.audit.file = r->string("file").value_or("");
    if (!cfg.audit.file.empty() && cfg.audit.file.front() != '/')
        r->problem("file", "must be an absolute path");
    cfg.audit.required = r->boolean_or("required", true);
    cfg.audit.webhook = r->boolean_or("webhook", false);
    if (cfg.audit.webhook && !cfg.webhook)
        r->problem("webhook", "needs notify.webhook, where the changes are sent");
    if (cfg.audit.file.empty() && !cfg.audit.webhook)
        r->problem("file", "missing required field (a string) unless webhook is true");
    r->finish();
}

void read_notify(object_reader& root, config& cfg)
{
    auto r = root.object("notify");
    if (!r)
        return;
    if (auto w = r->object("webhook"))
    {
        webhook_config hook;
        hook.url = w->string("url", need::required).value_or("");
        if (!hook.url.empty() && !is_http_url(hook.url))
            w->problem("url", "is not an http:// or https:// URL");  // not quoted: a hook's path is a secret
        if (auto h = w->object("headers"))
        {
            for (const auto& member : *h->value())
                if (auto s = h->secret_value(member.key()))
                    hook.headers.emplace_back(std::string(member.key()), *s);
            h->finish();
        }
        hook.timeout = w->dur_or("timeout", hook.timeout);
        hook.max_attempts = static_cast<int>(w->integer_or("max_attempts", 1, 100, hook.max_attempts));
        w->finish();
        cfg.webhook = std::move(hook);
    }
    r->finish();
}

void read_job(object_reader& r, config& cfg, const kind_parsers& kinds, std::set<std::string>& names)
{
    static const std::regex name_re("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    job_config job;
    job.raw = *r.value();
    job.name = r.string("name", need::required).value_or("");
    if (!job.name.empty() && !std::regex_match(job.name, name_re))
        r.problem("name", "use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    else if (!job.name.empty() && !names.insert(job.name).second)
        r.problem("name", "duplicate job name \"" + job.name + "\"");
    job.kind = r.string("kind", need::required).value_or("");
    job.interval = r.dur_or("interval", job.interval);
    job.timeout = r.dur_or("timeout", job.timeout);
    if (job.interval.count() < 1000)
        r.problem("interval", "must be at least 1s");
    if (job.timeout.count() < 100)
        r.problem("timeout", "must be at least 100ms");
    job.halt_on_fatal = r.boolean_or("halt_on_fatal", false);
    job.enabled = r.boolean_or("enabled", true);
    if (auto it = kinds.find(job.kind); it != kinds.end())
        job.settings = it->second(r, cfg);
    else if (!job.kind.empty())
    {
        std::string list;
        for (const auto& [k, p] : kinds)
            list += (list.empty() ? "" : ", ") + k;
        r.problem("kind", "unknown job kind \"" + job.kind + "\" (known: " + list + ")");
        return;  // its other keys cannot be judged
    }
    r.finish();
    cfg.jobs.push_back(std::move(job));  // after its parse: a kind parser sees the jobs before (config.hpp)
}

}  // namespace

const job_config* config::find_job(std::string_view name) const
{
    for (const auto& j : jobs)
        if (j.name == name)
            return &j;
    return nullptr;
}

std::string config_errors::render() const
{
    std::string out;
    for (const auto& p : problems)
        out += source + ": " + (p.pointer.empty() ? "/" : p.pointer) + ": " + p.message + "\n";
    return out;
}

namespace {

// Errors make the config unusable; warnings ride along in cfg.warnings, unless strict makes them errors.
boost::system::result<config, config_errors> settle_problems(config cfg, config_errors errors, bool strict)
{
    config_errors warnings{errors.source, {}};
    std::erase_if(errors.problems, [&](config_problem& p) {
        if (!p.warning || strict)
            return false;
        warnings.problems.push_back(p);
        return true;
    });
    if (!errors.problems.empty())
        return errors;
    std::string lines = warnings.render();
    for (std::size_t at = 0, end; (end = lines.find('\n', at)) != std::string::npos; at = end + 1)
        cfg.warnings.push_back(lines.substr(at, end - at));
    return cfg;
}

}  // namespace

boost::system::result<config, config_errors> parse_config(std::string_view text, const std::string& source,
                                                          const kind_parsers& kinds,
                                                          const config_inputs& inputs)
{
    config_errors errors{source, {}};
    auto doc = parse_json(text, errors.problems);
    if (!doc)
        return errors;
    config cfg;
    cfg.source = source;
    cfg.raw = *doc;
    object_reader root(*doc, "", errors.problems, inputs);
    if (!root.is_object())
        return errors;
    read_admin(root, cfg);
    read_log(root, cfg);
    root.each_member("vaults",
                     [&](const std::string& n, object_reader& r) { cfg.vaults[n] = read_vault(n, r); });
    root.each_member("consuls",
                     [&](const std::string& n, object_reader& r) { cfg.consuls[n] = read_consul(n, r); });
    root.each_member("kubernetes", [&](const std::string& n, object_reader& r) {
        cfg.kubernetes[n] = read_kubernetes(n, r);
    });
    read_notify(root, cfg);
    read_audit(root, cfg);  // after notify: audit.webhook needs it
    read_ha(root, cfg);
    std::set<std::string> names;
    root.each_object("jobs", [&](object_reader& r) { read_job(r, cfg, kinds, names); });
    bool strict = root.boolean_or("strict_permissions", false);
    root.finish();
    resolve(cfg);
    return settle_problems(std::move(cfg), std::move(errors), strict);
}

boost::system::result<config, config_errors> load_config(const std::string& path, const kind_parsers& kinds)
{
    auto text = host_inputs().file(path);
    if (!text)
        return config_errors{path, {{"", "cannot read the file"}}};
    return parse_config(*text, path, kinds);
}

[[noreturn]] void throw_exception_from_error(const config_errors& e, const boost::source_location&)
{
    throw std::runtime_error(e.render());
}

}  // namespace vk

namespace vk {

namespace {

// An inline token is overwritten before its member goes ({"file": ...} and {"env": ...} name no secret).
void erase_token(boost::json::object& o)
{
    if (auto* t = o.if_contains("token"); t && t->is_string())
    {
        volatile char* p = t->get_string().data();
        for (std::size_t i = 0; i < t->get_string().size(); ++i)
            p[i] = '\0';
    }
    o.erase("token");
}

void erase_tokens(boost::json::value& doc)
{
    auto* admin = doc.is_object() ? doc.get_object().if_contains("admin") : nullptr;
    if (!admin || !admin->is_object())
        return;
    erase_token(admin->get_object());
    if (auto* tokens = admin->get_object().if_contains("tokens"); tokens && tokens->is_array())
        for (auto& t : tokens->get_array())
            if (t.is_object())
                erase_token(t.get_object());
}

}  // namespace

void forget_admin_tokens(config& c)
{
    c.admin.token.wipe();
    for (auto& t : c.admin.tokens)
        t.token.wipe();
    erase_tokens(c.raw);
    erase_tokens(c.resolved);
}

}  // namespace vk
