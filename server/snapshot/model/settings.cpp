// Reads a snapshot job's keys (see settings.hpp); with agent_config, the Lucretius file supplies the vault,
// storages and retention.
#include "snapshot/model/settings.hpp"

#include "snapshot/model/agent_config.hpp"
#include "snapshot/model/storage_settings.hpp"

#include <boost/json/parse.hpp>
#include <limits>
#include <set>

namespace vk::snapshot {
namespace {

void read_storages(object_reader& r, snapshot_settings& s)
{
    std::set<std::string, std::less<>> names;
    for (const auto& st : s.storages)
        names.insert(st.name);
    r.each_object("storages", [&](object_reader& e) {
        // Duplicates are reported even for an entry that is wrong otherwise.
        const auto* name = e.value()->if_contains("name");
        if (name && name->is_string() && !names.insert(std::string(name->get_string())).second)
            e.problem("name", "duplicate storage name \"" + std::string(name->get_string()) + "\"");
        if (auto st = read_storage(e))
            s.storages.push_back(std::move(*st));
    });
}

void read_name_format(object_reader& r, name_format& f)
{
    auto o = r.object("name_format");
    if (!o)
        return;
    f.prefix = o->string_or("prefix", f.prefix);
    f.suffix = o->string_or("suffix", f.suffix);
    f.style = timestamp_style::utc;
    for (const char* key : {"prefix", "suffix"})
        if (auto v = key[0] == 'p' ? f.prefix : f.suffix; v.find('/') != std::string::npos)
            o->problem(key, "must not contain '/' (put directories into the storage's path or key_prefix)");
    o->finish();
}

// The job's interval as written (default 1m), to compare with the agent's frequency.
duration job_interval(const object_reader& r)
{
    const auto* v = r.value() ? r.value()->if_contains("interval") : nullptr;
    if (v && v->is_string())
        if (auto d = parse_duration(v->get_string()))
            return *d;
    return std::chrono::minutes(1);
}

std::optional<boost::json::value> read_json_file(const config_inputs& inputs, const std::string& path,
                                                 std::string& why)
{
    auto text = inputs.file(path);
    if (!text)
    {
        why = "cannot read file " + path;
        return std::nullopt;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(*text, ec);
    if (ec)
    {
        why = path + ": not valid JSON (" + ec.message() + ")";
        return std::nullopt;
    }
    return v;
}

// Maps the agent file; its problems are reported at /agent_config as "<file>: /pointer: message".
void read_agent_config(object_reader& r, const vk::config& cfg, snapshot_settings& s)
{
    auto path = r.string("agent_config");
    if (!path)
        return;
    std::string why;
    auto doc = read_json_file(r.inputs(), *path, why);
    if (!doc)
    {
        r.problem("agent_config", why);
        return;
    }
    config_problems problems;
    auto m = map_agent_config(*doc, cfg, s.vault, problems, r.inputs());
    for (const auto& p : problems)
        r.problem("agent_config", *path + ": " + (p.pointer.empty() ? "/" : p.pointer) + ": " + p.message);
    if (m.frequency != job_interval(r))
        r.problem("agent_config", *path + ": /frequency: is " + format_duration(m.frequency) +
                                      "; set the job's \"interval\" to \"" + format_duration(m.frequency) +
                                      "\"");
    s.vault = m.vault;
    s.name_format = agent_name_format();
    s.storages = std::move(m.storages);
}

void read_vault(object_reader& r, const vk::config& cfg, snapshot_settings& s, bool from_agent)
{
    s.vault = r.string("vault", from_agent ? need::optional : need::required).value_or("");
    if (!s.vault.empty() && !cfg.vaults.contains(s.vault))
        r.problem("vault", "no vault named \"" + s.vault + "\" in /vaults");
}

void read_encrypt_for(object_reader& r, snapshot_settings& s)
{
    auto o = r.object("encrypt_for");
    if (!o)
        return;
    s.encrypt_for_cert_file = o->string("cert_file", need::required);
    o->finish();
}

// The recipient's certificate and key that open this job's envelopes for restores and drills (only where
// restores are allowed need the key be present).
void read_decrypt_with(object_reader& r, snapshot_settings& s)
{
    auto o = r.object("decrypt_with");
    if (!o)
        return;
    auto cert = o->string("cert_file", need::required);
    auto key = o->string("key_file", need::required);
    o->finish();
    if (cert && key)
        s.decrypt_with = decrypt_key_files{*cert, *key};
    if (!s.encrypt_for_cert_file)
        r.problem("decrypt_with", "needs encrypt_for: this job's snapshots are not encrypted");
}

}  // namespace

const storage_settings* snapshot_settings::find_storage(std::string_view name) const
{
    for (const auto& s : storages)
        if (s.name == name)
            return &s;
    return nullptr;
}

std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg)
{
    auto s = std::make_shared<snapshot_settings>();
    const bool from_agent = r.has("agent_config");
    read_vault(r, cfg, *s, from_agent);
    read_agent_config(r, cfg, *s);
    if (s->vault.empty() && from_agent)
        r.problem("vault", "required (the agent file has no addr naming one of /vaults)");
    s->mode = r.one_of("mode", {"leader", "per-node"}, "leader") == "per-node" ? take_mode::per_node
                                                                               : take_mode::leader;
    s->spool_dir = r.string_or("spool_dir", s->spool_dir);
    if (s->spool_dir.empty() || s->spool_dir.front() != '/')
        r.problem("spool_dir", "must be an absolute directory path");
    read_name_format(r, s->name_format);
    read_encrypt_for(r, *s);
    read_decrypt_with(r, *s);
    s->allow_restore = r.boolean_or("allow_restore", false);
    if (auto limit = r.integer("restore_spool_limit", 0, std::numeric_limits<std::int64_t>::max()))
        s->restore_spool_limit = static_cast<std::uint64_t>(*limit);
    read_storages(r, *s);
    if (s->storages.empty() && !r.has("storages") && !from_agent)
        r.problem("storages", "required: at least one storage");
    else if (s->storages.empty() && from_agent)
        r.problem("agent_config", "the agent file configures no storage");
    r.finish();
    return s;
}

}  // namespace vk::snapshot
