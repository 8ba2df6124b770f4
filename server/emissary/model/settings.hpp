// An emissary job's configuration (kind "emissary"): its sources, its templates (parsed here, so a bad
// template fails --check-config naming file:line:column), the command and the timing knobs.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_SETTINGS_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_SETTINGS_HPP

#include "core/config.hpp"
#include "core/config_reader.hpp"
#include "core/secret.hpp"
#include "emissary/model/policy.hpp"
#include "emissary/model/template.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vk::emissary {

enum class source_type
{
    vault,   // KV v1/v2 of a configured vault: v2 checked every `vault_check`, v1 re-read every `refresh`
    consul,  // KV of a configured consul, watched with blocking queries
    file,    // files under `root`
    env,     // the daemon's environment
    http,    // GET base_url + path
};

// What a vault source reads: KV (v1/v2 under a mount) or any engine that answers with a lease (database,
// aws, ...): GET <mount>/<path> as is, kept whole with its lease, renewed and replaced by the job.
enum class vault_engine
{
    kv,
    dynamic,
};

struct source_config
{
    source_type type = source_type::file;
    std::string vault;   // vault
    std::string mount;   // vault: when empty, the path's first segment is the mount
    int kv_version = 2;  // vault
    vault_engine engine = vault_engine::kv;
    std::string consul;    // consul
    std::string root;      // file
    std::string base_url;  // http
};

struct template_config
{
    std::string label;  // the source file, or "<job>#<index>" for inline contents (messages, status)
    std::string destination;
    unsigned perms = 0600;
    std::string user;  // name or numeric id; empty = unchanged (the daemon's)
    std::string group;
    bool backup = false;
    bool create_dest_dirs = true;
    unsigned dir_perms = 0755;  // the directories create_dest_dirs makes, exactly (not the daemon's umask)
    std::string dir_user;       // their owner; empty = the daemon's
    std::string dir_group;
    delimiters delims;
    template_ast ast;
};

struct emissary_settings : vk::job_settings
{
    std::map<std::string, source_config> sources;
    std::vector<template_config> templates;
    std::vector<std::string> command;  // argv; with shell, {"/bin/sh", "-c", text}
    bool shell = false;
    milliseconds command_timeout{30000};
    wait_window wait;
    backoff_policy retry;
    milliseconds refresh{300000};
    // Vault KV v2 values: their metadata's current_version is checked this often (0: off, re-read every
    // refresh instead), and the data read only when it moved.
    milliseconds vault_check{10000};
    // Vault requests a second of these checks and reads, shared by the jobs reading one Vault (the smallest
    // of theirs applies).
    std::int64_t max_requests_per_second = 100;
    bool once = false;
    bool dry_run = false;
    // Leased secrets (dynamic vault sources): revoke a replaced lease once the command ran (or the files were
    // rendered); keep the leases (and with state_key the answers, encrypted) in <state_dir>/<job>.leases.
    bool revoke_old = true;
    std::string state_dir;
    std::optional<secret> state_key;  // 32 bytes, base64 or hex (validated here)
};

// The kind parser: every problem at its JSON pointer; a template error names file:line:column.
std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg);

// "0600" / "600" / "0o600" -> 0600; nullopt when not an octal mode up to 07777.
std::optional<unsigned> parse_perms(std::string_view text);

// A file source path stays under its root: relative, no "..", no empty segment.
bool safe_relative_path(std::string_view path);

}  // namespace vk::emissary

#endif
