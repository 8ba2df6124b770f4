// The snapshot kind's admin actions: list and restore (see snapshot_actions.hpp).
#include "snapshot/snapshot_actions.hpp"

#include "core/read_file.hpp"
#include "core/time.hpp"
#include "io/unique_fd.hpp"
#include "snapshot/model/naming.hpp"
#include "snapshot/model/restore_plan.hpp"
#include "snapshot/model/restore_request.hpp"
#include "snapshot/publish_file.hpp"
#include "snapshot/snapshot_metrics.hpp"
#include "snapshot/streamed_restore.hpp"
#include "snapshot/take.hpp"
#include "vault/raft.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fcntl.h>
#include <filesystem>
#include <sys/statvfs.h>
#include <unistd.h>

namespace vk::snapshot {
namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::object describe(const stored_snapshot& s)
{
    json::object o{{"name", s.name}, {"size", s.size}, {"time", format_rfc3339(s.time)}};
    o["sha256"] = s.sha256 ? json::value(*s.sha256) : json::value(nullptr);
    // Only verified archives are ever uploaded: one with its recorded SHA-256 was verified.
    o["verified"] = s.sha256.has_value();
    return o;
}

// Only this job's snapshots (other objects in the same place are not ours), as indexes into `listed`, newest
// first by the time in their names, whatever order the storage listed them in.
std::vector<std::size_t> newest_first(const std::vector<stored_snapshot>& listed, const snapshot_settings& s)
{
    std::vector<std::string> names;
    for (const auto& x : listed)
        names.push_back(x.name);
    return newest_first(names, s.name_format);
}

asio::awaitable<runtime::action_result> list_all(std::shared_ptr<snapshot_core> core)
{
    json::object out;
    for (const auto& st : core->storages)
    {
        auto listed = co_await st->list();
        json::object entry;
        if (!listed)
        {
            entry["error"] = listed.error().describe();
            out[st->name()] = std::move(entry);
            continue;
        }
        json::array items;
        for (auto i : newest_first(*listed, *core->settings))
            items.push_back(describe((*listed)[i]));
        entry["snapshots"] = std::move(items);
        out[st->name()] = std::move(entry);
    }
    co_return json::object{{"job", core->job}, {"storages", std::move(out)}};
}

// Reads the file in 1 MiB pieces for the restore request body; rewinds for a redirect or retry.
struct file_source
{
    io::unique_fd fd;
    std::string buf = std::string(1 << 20, '\0');
};

http::body_source body_of(const std::shared_ptr<file_source>& f, std::uint64_t size)
{
    http::body_source src;
    src.length = size;
    src.next = [f]() -> asio::awaitable<result<std::string_view>> {
        const auto n = ::read(f->fd.get(), f->buf.data(), f->buf.size());
        if (n < 0)
            co_return make_error(errc::io_error, "reading the snapshot to restore failed");
        co_return std::string_view(f->buf.data(), static_cast<std::size_t>(n));
    };
    src.rewind = [f]() { return ::lseek(f->fd.get(), 0, SEEK_SET) == 0; };
    return src;
}

asio::awaitable<result<void>> restore_file(snapshot_core& core, const fs::path& file, bool force)
{
    auto node = co_await core.snapshot_node(take_mode::leader);
    if (!node)
        co_return node.error();
    auto f = std::make_shared<file_source>();
    f->fd.reset(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!f->fd)
        co_return make_error(errc::io_error, "cannot open the downloaded snapshot", {}, file.string());
    auto source = body_of(f, fs::file_size(file));
    co_return co_await vault::raft_restore(**node, source, force);
}

// The stored snapshot as the storage lists it (size, and SHA-256 as recorded at upload when it keeps one);
// bad_request naming /name when the storage has no such snapshot.
asio::awaitable<result<stored_snapshot>> stored_entry(snapshot_storage& st, std::string name)
{
    auto found = co_await st.find(name);
    if (!found)
        co_return found.error();
    if (!*found)
        co_return make_error(errc::bad_request,
                             "/name: no snapshot \"" + name + "\" in storage \"" + st.name() + "\"");
    co_return **found;
}

// bad_response naming the snapshot when what was downloaded is not what was uploaded.
result<void> check_recorded(const stored_snapshot& entry, const std::string& downloaded_sha256)
{
    if (entry.sha256 && *entry.sha256 != downloaded_sha256)
        return make_error(errc::bad_response,
                          "the downloaded snapshot's SHA-256 differs from the one recorded at upload", {},
                          entry.name);
    return {};
}

// Downloads `entry` into `file` and checks it: the archive verifies (once decrypted, with `decrypt`) and the
// file is the one uploaded.
asio::awaitable<result<verified_file>> fetch_verified(snapshot_storage& st, stored_snapshot entry,
                                                      fs::path file, std::optional<decryption> decrypt)
{
    if (auto d = co_await st.download(entry.name, file); !d)
        co_return d.error();
    auto verified = co_await verify_file(file, std::move(decrypt));
    if (!verified)
    {
        auto e = verified.error();
        if (e.path.empty())  // which snapshot did not verify or decrypt
            e.path = entry.name;
        co_return e;
    }
    if (auto c = check_recorded(entry, verified->sha256); !c)
        co_return c.error();
    co_return verified;
}

// How this job's stored files open: as they are (nullopt), or with decrypt_with's key (read now, so a
// renewed key is used at once); conflict for encrypted snapshots without decrypt_with.
result<std::optional<decryption>> decryption_of(const snapshot_settings& s)
{
    if (!s.encrypt_for_cert_file)
        return std::optional<decryption>();
    if (!s.decrypt_with)
        return make_error(
            errc::conflict,
            "this job's snapshots are CMS-encrypted and it has no decrypt_with key (decrypt_with: "
            "{\"cert_file\", \"key_file\"}; or open one with vaultkeeper --decrypt-snapshot)");
    auto cert = read_file(s.decrypt_with->cert_file);
    auto key = read_file(s.decrypt_with->key_file);
    if (!cert || !key)
        return make_error(errc::io_error, "cannot read decrypt_with's files", {},
                          cert ? s.decrypt_with->key_file : s.decrypt_with->cert_file);
    auto recipient = cms_recipient::from_pem(*cert, *key);
    if (!recipient)
        return recipient.error();
    return std::optional<decryption>(decryption{std::move(*recipient), {}});
}

// The snapshot a request names or, for a drill that names none, the newest one of its storage.
asio::awaitable<result<std::string>> chosen_name(const snapshot_core& core, const restore_request& req)
{
    if (!req.name.empty())
        co_return req.name;
    auto listed = co_await core.find_storage(req.storage)->list();
    if (!listed)
        co_return listed.error();
    auto order = newest_first(*listed, *core.settings);
    if (order.empty())
        co_return make_error(errc::bad_request,
                             "/name: storage \"" + req.storage + "\" holds no snapshot of this job");
    co_return (*listed)[order.front()].name;
}

// Bytes free for the job's spool folder (0 when it cannot be told: then nothing is spooled).
std::uint64_t spool_free(const fs::path& spool)
{
    struct statvfs v
    {
    };
    if (::statvfs(spool.c_str(), &v) != 0)
        return 0;
    return static_cast<std::uint64_t>(v.f_bavail) * v.f_frsize;
}

// What every restore answers; a drill adds what it checked.
json::object restore_answer(const restore_request& req, const std::string& name,
                            const archive_summary& archive, restore_path path)
{
    return json::object{{"storage", req.storage},
                        {"name", name},
                        {"index", archive.index},
                        {"term", archive.term},
                        {"path", to_string(path)}};
}

json::object drill_answer(json::object out, std::uint64_t size, const std::string& sha256)
{
    out["dry_run"] = true;
    out["size"] = size;
    out["sha256"] = sha256;
    out["verified"] = true;
    return out;
}

// The answer goes out with the spool empty again (the files unlinked on the blocking pool).
asio::awaitable<void> remove_both(remove_on_exit& file, remove_on_exit& plain)
{
    co_await file.remove_now();
    co_await plain.remove_now();
}

// One pass: downloaded and verified into the spool (with its plaintext beside it when encrypted), then,
// unless the request is a drill, the file sent to the active node.
asio::awaitable<runtime::action_result> spool_then_restore(std::shared_ptr<snapshot_core> core,
                                                           restore_request req, stored_snapshot entry,
                                                           std::optional<decryption> decrypt)
{
    remove_on_exit file{core->spool() / ((req.dry_run ? ".drill-" : ".restore-") + entry.name)};
    remove_on_exit plain{file.path.string() + ".plain"};
    if (decrypt)
        decrypt->plain = plain.path;
    const bool encrypted = decrypt.has_value();
    auto verified =
        co_await fetch_verified(*core->find_storage(req.storage), entry, file.path, std::move(decrypt));
    if (!verified)
        co_return verified.error();
    auto out = restore_answer(req, entry.name, verified->archive, restore_path::one_pass);
    if (req.dry_run)
    {
        std::error_code ec;  // the file was just read whole: its size is known
        auto answer = drill_answer(std::move(out), fs::file_size(file.path, ec), verified->sha256);
        co_await remove_both(file, plain);
        co_return answer;
    }
    if (auto r = co_await restore_file(*core, encrypted ? plain.path : file.path, req.force); !r)
        co_return r.error();
    out["force"] = req.force;
    co_await remove_both(file, plain);
    co_return out;
}

// Two passes with nothing on disk (streamed_restore.hpp): verified as it streams, then (unless a drill)
// streamed again into the active node, checked against the first pass.
asio::awaitable<runtime::action_result> stream_twice(std::shared_ptr<snapshot_core> core, restore_request req,
                                                     stored_snapshot entry, std::optional<decryption> decrypt)
{
    auto& st = *core->find_storage(req.storage);
    auto recipient = decrypt ? decrypt->recipient : nullptr;
    auto verified = co_await verify_streamed(st, entry.name, recipient);
    if (!verified)
        co_return verified.error();
    if (auto c = check_recorded(entry, verified->stored_sha256); !c)
        co_return c.error();
    auto out = restore_answer(req, entry.name, *verified->archive, restore_path::two_pass);
    if (req.dry_run)
        co_return drill_answer(std::move(out), verified->stored_bytes, verified->stored_sha256);
    auto node = co_await core->snapshot_node(take_mode::leader);
    if (!node)
        co_return node.error();
    if (auto r = co_await restore_streamed(**node, st, entry.name, recipient, *verified, req.force); !r)
        co_return r.error();
    out["force"] = req.force;
    co_return out;
}

// Every step of a restore: the snapshot chosen, then one pass through the spool when it can hold the files,
// else two streamed passes. Vault receives only archives that verified.
asio::awaitable<runtime::action_result> verify_then_restore(std::shared_ptr<snapshot_core> core,
                                                            restore_request req)
{
    auto decrypt = decryption_of(*core->settings);
    if (!decrypt)
        co_return decrypt.error();
    auto name = co_await chosen_name(*core, req);
    if (!name)
        co_return name.error();
    auto entry = co_await stored_entry(*core->find_storage(req.storage), *name);
    if (!entry)
        co_return entry.error();
    if (auto d = ensure_dir(core->spool()); !d)
        co_return d.error();
    const auto path = choose_restore_path(entry->size, decrypt->has_value(), spool_free(core->spool()),
                                          core->settings->restore_spool_limit);
    if (path == restore_path::two_pass)
        co_return co_await stream_twice(core, std::move(req), std::move(*entry), std::move(*decrypt));
    co_return co_await spool_then_restore(core, std::move(req), std::move(*entry), std::move(*decrypt));
}

// A drill's outcome, for the alert on the last one (whatever failed: a missing, unreadable or tampered
// snapshot is what a drill is for).
void count_drill(const snapshot_core& core, bool ok)
{
    core.count(metric::drills, "", ok ? "ok" : "failed");
    core.gauge(metric::last_drill, ok ? 1 : 0);
}

asio::awaitable<runtime::action_result> restore(std::shared_ptr<snapshot_core> core, json::value body)
{
    auto req = parse_restore_request(body, *core->settings);
    if (!req)
        co_return req.error();
    // A drill sends Vault nothing, so it needs neither allow_restore nor the restore scope.
    if (!req->dry_run && !core->settings->allow_restore)
        co_return make_error(errc::permission_denied,
                             "restore is disabled for this job (allow_restore is false); a drill "
                             "({\"dry_run\": true}) is not");
    const bool drill = req->dry_run;
    auto answer = co_await verify_then_restore(core, std::move(*req));
    if (drill)
        count_drill(*core, answer.has_value());
    co_return answer;
}

}  // namespace

runtime::action_table snapshot_actions(std::shared_ptr<snapshot_core> core)
{
    runtime::action_table t;
    t["list"] = [core](const runtime::action_request&) { return list_all(core); };
    t["restore"] = [core](const runtime::action_request& r) { return restore(core, r.body); };
    return t;
}

}  // namespace vk::snapshot
