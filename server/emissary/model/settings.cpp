// Reads an emissary job's keys and parses its templates.
#include "emissary/model/settings.hpp"

#include "emissary/model/lease_store.hpp"

namespace vk::emissary {
namespace {

const std::vector<std::string> type_names = {"vault", "consul", "file", "env", "http"};

source_config read_source(object_reader& r, const vk::config& cfg)
{
    source_config s;
    auto type = r.one_of("type", type_names, "");
    if (!r.has("type"))
        r.problem("type", "required: one of vault, consul, file, env, http");
    bool known = false;
    for (std::size_t i = 0; i < type_names.size(); ++i)
        if (type == type_names[i])
            s.type = static_cast<source_type>(i), known = true;
    if (!known)
        return s;  // its other keys cannot be judged
    auto expect = [&](std::string_view key, bool wanted) {
        if (!wanted && r.has(key))
            r.problem(key, "only a " +
                               std::string(key == "root"       ? "file"
                                           : key == "base_url" ? "http"
                                           : key == "engine"   ? "vault"
                                                               : key) +
                               " source has this setting");
    };
    if (s.type == source_type::vault)
    {
        s.vault = r.string("vault", need::required).value_or("");
        if (!s.vault.empty() && !cfg.vaults.contains(s.vault))
            r.problem("vault", "no vault named \"" + s.vault + "\" in /vaults");
        s.mount = r.string_or("mount", "");
        while (!s.mount.empty() && s.mount.back() == '/')
            s.mount.pop_back();
        s.kv_version = static_cast<int>(r.integer_or("kv_version", 1, 2, 2));
        s.engine = r.one_of("engine", {"kv", "dynamic"}, "kv") == "dynamic" ? vault_engine::dynamic
                                                                            : vault_engine::kv;
        if (s.engine == vault_engine::dynamic && r.has("kv_version"))
            r.problem("kv_version",
                      "only a kv engine has a version (\"engine\": \"dynamic\" reads the path as is)");
    }
    expect("engine", s.type == source_type::vault);
    expect("vault", s.type == source_type::vault);
    if (s.type == source_type::consul)
    {
        s.consul = r.string("consul", need::required).value_or("");
        if (!s.consul.empty() && !cfg.consuls.contains(s.consul))
            r.problem("consul", "no consul named \"" + s.consul + "\" in /consuls");
    }
    expect("consul", s.type == source_type::consul);
    if (s.type == source_type::file)
        s.root = r.string("root", need::required).value_or("");
    expect("root", s.type == source_type::file);
    if (s.type == source_type::http)
    {
        s.base_url = r.string("base_url", need::required).value_or("");
        if (!s.base_url.starts_with("http://") && !s.base_url.starts_with("https://"))
            r.problem("base_url", "must start with http:// or https://");
    }
    expect("base_url", s.type == source_type::http);
    r.finish();
    return s;
}

std::string resolve(const std::string& path, const std::string& config_file)
{
    if (path.empty() || path.front() == '/')
        return path;
    auto slash = config_file.rfind('/');
    return slash == std::string::npos ? path : config_file.substr(0, slash + 1) + path;
}

// What a list function needs: ls / tree a Consul source, secrets a Vault one ("" = fine).
std::string list_source_problem(const call_site& c, const source_config& s)
{
    const bool consul_list = c.kind == call_kind::ls || c.kind == call_kind::tree;
    if (consul_list && s.type != source_type::consul)
        return "ls, tree, safeLs and safeTree need a consul source";
    if (c.kind == call_kind::secrets && s.type != source_type::vault)
        return "secrets needs a vault source";
    if (c.kind == call_kind::pki_cert && s.type != source_type::vault)
        return "pkiCert needs a vault source";
    if (c.kind == call_kind::secrets && s.engine != vault_engine::kv)
        return "secrets lists a KV folder: its source needs \"engine\": \"kv\"";
    if (c.kind == call_kind::secrets && c.dep.path.empty() && s.mount.empty())
        return "secrets: the folder must not be empty (its first segment is the mount; or set the source's "
               "mount)";
    return "";
}

// Every reference names a configured source of the right type, and a file source's path stays under its root.
void check_references(object_reader& r, std::string_view key, const template_config& t,
                      const std::map<std::string, source_config>& sources)
{
    for (const auto& c : t.ast.calls)
    {
        if (c.kind == call_kind::env)
            continue;
        std::string at =
            t.label + ":" + std::to_string(c.where.line) + ":" + std::to_string(c.where.column) + ": ";
        auto it = sources.find(c.dep.source);
        if (it == sources.end())
            r.problem(key, at + "no source named \"" + c.dep.source + "\" in sources");
        else if (auto problem = list_source_problem(c, it->second); !problem.empty())
            r.problem(key, at + problem);
        else if (it->second.type == source_type::file && !safe_relative_path(c.dep.path))
            r.problem(key, at + "a file path must be relative to the source's root, without \"..\"");
        if (!c.field.empty() && c.field.front() == '/' && c.field.size() > 1 && c.field.back() == '/')
            r.problem(key, at + "a JSON pointer must not end with '/'");
    }
}

unsigned read_perms(object_reader& r, std::string_view key, unsigned fallback, std::string_view example)
{
    auto p = r.string(key);
    if (!p)
        return fallback;
    if (auto m = parse_perms(*p))
        return *m;
    r.problem(key, "must be an octal mode like \"" + std::string(example) + "\"");
    return fallback;
}

// The directories create_dest_dirs makes: their mode (exactly, whatever the daemon's umask: under the
// systemd unit's 0077 a 0644 file for nginx would land in a 0700 directory nginx cannot enter) and owner.
void read_dirs(object_reader& r, template_config& t)
{
    t.create_dest_dirs = r.boolean_or("create_dest_dirs", true);
    t.dir_perms = read_perms(r, "dir_perms", t.dir_perms, "0755");
    if ((t.dir_perms & 0100) == 0)
        r.problem("dir_perms", "must let the owner enter the directory (the 0100 bit, as in \"0755\")");
    auto owner = [&](std::string_view key) {
        auto v = r.string(key);
        if (v && v->empty())
            r.problem(key, "must not be empty: a name or a numeric id (leave it out to keep the daemon's)");
        return v.value_or("");
    };
    t.dir_user = owner("dir_user");
    t.dir_group = owner("dir_group");
    if (!t.create_dest_dirs)
        for (const char* key : {"dir_perms", "dir_user", "dir_group"})
            if (r.has(key))
                r.problem(key, "applies only to directories that create_dest_dirs creates, and it is false");
}

template_config read_template(object_reader& r, const vk::config& cfg, const std::string& job,
                              std::size_t index, const std::map<std::string, source_config>& sources)
{
    template_config t;
    auto source = r.string("source");
    auto contents = r.string("contents");
    if (source.has_value() == contents.has_value())
        r.problem("", "exactly one of \"source\" (a template file) or \"contents\" (inline) is required");
    t.destination = r.string("destination", need::required).value_or("");
    if (!t.destination.empty() && t.destination.front() != '/')
        r.problem("destination", "must be an absolute path");
    t.perms = read_perms(r, "perms", t.perms, "0600");
    t.user = r.string_or("user", "");
    t.group = r.string_or("group", "");
    t.backup = r.boolean_or("backup", false);
    read_dirs(r, t);
    t.delims.left = r.string_or("left_delimiter", t.delims.left);
    t.delims.right = r.string_or("right_delimiter", t.delims.right);
    if (t.delims.left.empty() || t.delims.right.empty())
        r.problem(t.delims.left.empty() ? "left_delimiter" : "right_delimiter", "must not be empty");
    r.finish();
    std::string text;
    const char* key = source ? "source" : "contents";
    if (source)
    {
        t.label = *source;
        auto body = r.inputs().file(resolve(*source, cfg.source));
        if (!body)
            return r.problem("source", "cannot read the template file"), t;
        text = std::move(*body);
    }
    else if (contents)
    {
        t.label = job + "#" + std::to_string(index);
        text = *contents;
    }
    else
        return t;
    if (t.delims.left.empty() || t.delims.right.empty())
        return t;
    auto parsed = parse_template(text, t.label, t.delims);
    if (!parsed.ok())
        return r.problem(key, parsed.error->describe()), t;
    t.ast = std::move(parsed.ast);
    check_references(r, key, t, sources);
    return t;
}

void read_command(object_reader& r, emissary_settings& s)
{
    s.shell = r.boolean_or("shell", false);
    const auto* raw = r.raw("command");
    if (!raw)
        return;
    if (raw->is_string())
    {
        if (!s.shell)
            r.problem("command",
                      "a command string runs through sh -c only with \"shell\": true; or give an argv array");
        s.command = {"/bin/sh", "-c", std::string(raw->as_string())};
        return;
    }
    s.command = r.string_list("command");
    if (raw->is_array() && s.command.empty())
        r.problem("command", "an argv array needs at least the program");
    if (s.shell && raw->is_array())
        r.problem("shell", "\"shell\": true takes the command as one string");
}

wait_window read_wait(object_reader& r)
{
    wait_window w;
    if (auto o = r.object("wait"))
    {
        w.min = o->dur_or("min", w.min);
        w.max = o->dur_or("max", w.max);
        if (w.max.count() > 0 && w.max < w.min)
            o->problem("max", "must not be shorter than min");
        o->finish();
    }
    return w;
}

backoff_policy read_retry(object_reader& r)
{
    backoff_policy p;
    if (auto o = r.object("retry"))
    {
        p.initial = o->dur_or("initial", p.initial);
        p.max = o->dur_or("max", p.max);
        if (p.initial.count() <= 0)
            o->problem("initial", "must be positive");
        if (p.max < p.initial)
            o->problem("max", "must not be shorter than initial");
        o->finish();
    }
    return p;
}

void read_vault_checks(object_reader& r, emissary_settings& s)
{
    s.vault_check = r.dur_or("vault_check", s.vault_check);
    if (s.vault_check.count() < 0)
        r.problem("vault_check", "must not be negative (0 turns the version checks off)");
    s.max_requests_per_second =
        r.integer_or("max_requests_per_second", 1, 1000000, s.max_requests_per_second);
}

// Leased secrets: revoke_old, and the state file (state_dir, state_key) that spares a restart new
// credentials.
void read_leases(object_reader& r, emissary_settings& s)
{
    s.revoke_old = r.boolean_or("revoke_old", true);
    s.state_dir = r.string_or("state_dir", "");
    if (r.has("state_dir") && (s.state_dir.empty() || s.state_dir.front() != '/'))
        r.problem("state_dir", "must be an absolute path (a directory)");
    s.state_key = r.secret_value("state_key");
    if (s.state_key && !decode_state_key(s.state_key->reveal()))
        r.problem("state_key", "must be 32 bytes, as 64 hex digits or in base64 (openssl rand -base64 32)");
    if (s.state_key && s.state_dir.empty())
        r.problem("state_key", "needs state_dir (where the encrypted state file is kept)");
}

}  // namespace

std::optional<unsigned> parse_perms(std::string_view text)
{
    if (text.starts_with("0o"))
        text.remove_prefix(2);
    if (text.empty() || text.size() > 5)
        return std::nullopt;
    unsigned m = 0;
    for (char c : text)
    {
        if (c < '0' || c > '7')
            return std::nullopt;
        m = m * 8 + static_cast<unsigned>(c - '0');
    }
    return m <= 07777 ? std::optional<unsigned>(m) : std::nullopt;
}

bool safe_relative_path(std::string_view path)
{
    if (path.empty() || path.front() == '/')
        return false;
    std::size_t start = 0;
    while (start <= path.size())
    {
        auto end = path.find('/', start);
        auto seg = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (seg.empty() || seg == "." || seg == "..")
            return false;
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return true;
}

std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg)
{
    auto s = std::make_shared<emissary_settings>();
    r.each_member("sources",
                  [&](const std::string& name, object_reader& o) { s->sources[name] = read_source(o, cfg); });
    std::string job = r.string_or("name", "emissary");
    std::size_t index = 0;
    r.each_object(
        "templates",
        [&](object_reader& o) { s->templates.push_back(read_template(o, cfg, job, index++, s->sources)); },
        need::required);
    if (r.has("templates") && s->templates.empty())
        r.problem("templates", "at least one template is required");
    read_command(r, *s);
    s->command_timeout = r.dur_or("command_timeout", s->command_timeout);
    if (s->command_timeout.count() <= 0)
        r.problem("command_timeout", "must be positive");
    s->wait = read_wait(r);
    s->retry = read_retry(r);
    s->refresh = r.dur_or("refresh", s->refresh);
    if (s->refresh.count() < 0)
        r.problem("refresh", "must not be negative");
    read_vault_checks(r, *s);
    s->once = r.boolean_or("once", false);
    s->dry_run = r.boolean_or("dry_run", false);
    read_leases(r, *s);
    return s;
}

}  // namespace vk::emissary
