// The snapshot kind's admin actions: list and restore (see snapshot_actions.hpp).
#include "snapshot/snapshot_actions.hpp"

#include "core/read_file.hpp"
#include "core/time.hpp"
#include "io/unique_fd.hpp"
#include "snapshot/model/naming.hpp"
#include "snapshot/model/restore_request.hpp"
#include "snapshot/publish_file.hpp"
#include "snapshot/snapshot_metrics.hpp"
#include "snapshot/take.hpp"
#include "vault/raft.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fcntl.h>
#include <filesystem>
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

// The stored snapshot's SHA-256 as recorded at upload (nullopt when the storage keeps none); bad_request
// naming /name when the storage has no such snapshot.
asio::awaitable<result<std::optional<std::string>>> recorded_sum(snapshot_storage& st, std::string name)
{
    auto found = co_await st.find(name);
    if (!found)
        co_return found.error();
    if (!*found)
        co_return make_error(errc::bad_request,
                             "/name: no snapshot \"" + name + "\" in storage \"" + st.name() + "\"");
    co_return (*found)->sha256;
}

// Downloads `name` into `file` and checks it: the archive verifies (once decrypted, with `decrypt`) and the
// file is the one uploaded.
asio::awaitable<result<verified_file>> fetch_verified(snapshot_storage& st, std::string name, fs::path file,
                                                      std::optional<decryption> decrypt)
{
    auto sum = co_await recorded_sum(st, name);
    if (!sum)
        co_return sum.error();
    if (auto d = co_await st.download(name, file); !d)
        co_return d.error();
    auto verified = co_await verify_file(file, std::move(decrypt));
    if (!verified)
    {
        auto e = verified.error();
        if (e.path.empty())  // which snapshot did not verify or decrypt
            e.path = name;
        co_return e;
    }
    if (*sum && **sum != verified->sha256)
        co_return make_error(errc::bad_response,
                             "the downloaded snapshot's SHA-256 differs from the one recorded at upload", {},
                             name);
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

// Every step of a restore, into the spool: the snapshot chosen, downloaded and verified; then, unless the
// request is a drill, sent to the active node. Vault receives only archives that verified.
asio::awaitable<runtime::action_result> verify_then_restore(std::shared_ptr<snapshot_core> core,
                                                            restore_request req)
{
    auto decrypt = decryption_of(*core->settings);
    if (!decrypt)
        co_return decrypt.error();
    auto name = co_await chosen_name(*core, req);
    if (!name)
        co_return name.error();
    if (auto d = ensure_dir(core->spool()); !d)
        co_return d.error();
    remove_on_exit file{core->spool() / ((req.dry_run ? ".drill-" : ".restore-") + *name)};
    remove_on_exit plain{file.path.string() + ".plain"};
    if (*decrypt)
        (*decrypt)->plain = plain.path;
    auto verified = co_await fetch_verified(*core->find_storage(req.storage), *name, file.path, *decrypt);
    if (!verified)
        co_return verified.error();
    json::object out{{"storage", req.storage},
                     {"name", *name},
                     {"index", verified->archive.index},
                     {"term", verified->archive.term}};
    if (req.dry_run)
    {
        out["dry_run"] = true;
        std::error_code ec;  // the file was just read whole: its size is known
        out["size"] = fs::file_size(file.path, ec);
        out["sha256"] = verified->sha256;
        out["verified"] = true;
        co_return out;
    }
    if (auto r = co_await restore_file(*core, *decrypt ? plain.path : file.path, req.force); !r)
        co_return r.error();
    out["force"] = req.force;
    co_return out;
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
