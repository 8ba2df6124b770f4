// Cluster state transitions: init, unseal, seal, leadership, rekey installation, restore, persistence.
#include "cluster.hpp"

#include <boost/json/array.hpp>

#include <iostream>

#include "barrier.hpp"

namespace vsim {
namespace json = boost::json;

namespace {
// Vault never reports the cluster port through the API of a test double, so any stable value will do.
constexpr unsigned cluster_port_offset = 1000;
}  // namespace

cluster::cluster(cluster_options opts)
    : opts_(std::move(opts)),
      logic_(std::make_unique<logical>(store_))
{
    for (std::size_t i = 0; i < opts_.nodes; ++i)
    {
        node_state n;
        n.id = "node" + std::to_string(i);
        n.port = static_cast<unsigned short>(opts_.base_port + i);
        nodes_.push_back(std::move(n));
    }
    store_.on_key_change = [this](std::string_view key) { on_key_change(key); };
    store_.on_change = [this] { on_change(); };
    if (!opts_.data_dir.empty())
    {
        journal_ = std::make_unique<journal>(opts_.data_dir);
        if (auto saved = journal_->load_seal())
        {
            // A restarted Vault knows its keyring but comes back sealed; data opens on the first unseal.
            ring_ = saved->ring;
            cluster_id_ = saved->cluster_id;
            cluster_name_ = saved->cluster_name;
            pending_image_ = journal_->load_pending();
            return;
        }
    }
    if (dev_mode())
        dev_init();
}

cluster::~cluster()
{
    flush();
}

const seal_config& cluster::config() const
{
    static const seal_config none{};
    return ring_ ? ring_->config : none;
}

std::string cluster::api_addr(std::size_t i) const
{
    return std::string(opts_.tls ? "https://" : "http://") + opts_.host + ":" +
           std::to_string(nodes_.at(i).port);
}

std::string cluster::cluster_addr(std::size_t i) const
{
    return opts_.host + ":" + std::to_string(nodes_.at(i).port + cluster_port_offset);
}

void cluster::dev_init()
{
    auto result = init({1, 1});
    auto& body = std::get<json::object>(result);
    const std::string key(body.at("keys_base64").as_array()[0].as_string());
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        unseal(i, *base64_decode(key));
    std::cout << "Unseal Key: " << key << "\nRoot Token: " << std::string(body.at("root_token").as_string())
              << std::endl;
}

std::variant<json::object, coded_error> cluster::init(const seal_config& cfg)
{
    if (initialized())
        return coded_error{400, "Vault is already initialized"};
    if (auto err = validate(cfg))
        return coded_error{400, *err};
    const auto unseal_key = random_bytes(barrier::key_size);
    const auto root_key = random_bytes(barrier::key_size);
    ring_ = wrap_root(cfg, unseal_key, root_key);
    root_key_ = root_key;
    cluster_id_ = uuid();
    cluster_name_ = "vault-cluster-" + uuid().substr(0, 8);
    persist_seal();
    const auto root_token = logic_->initialize(opts_.dev_root_token, std::chrono::system_clock::now());
    json::array keys, keys_b64;
    for (const auto& share : split_key(unseal_key, cfg))
    {
        keys.emplace_back(hex_encode(share));
        keys_b64.emplace_back(base64_encode(share));
    }
    flush();
    return json::object{
        {"keys", std::move(keys)}, {"keys_base64", std::move(keys_b64)}, {"root_token", root_token}};
}

unseal_progress::outcome cluster::unseal(std::size_t i, const bytes& share)
{
    auto& n = nodes_.at(i);
    if (!initialized(i))
        return unseal_progress::failed{"Vault is not initialized"};
    auto out = n.progress.submit(*ring_, share);
    if (auto* ok = std::get_if<unseal_progress::unsealed>(&out))
    {
        if (!root_key_)
            open_data(ok->root_key);
        n.sealed = false;
        elect();
    }
    return out;
}

void cluster::open_data(const bytes& root_key)
{
    root_key_ = root_key;
    std::optional<entry_map> data;
    if (pending_image_)
        data = decrypt_entries(*pending_image_, root_key);
    else if (journal_)
        if (auto loaded = journal_->load_entries(root_key))
        {
            raft_index_ = std::max(raft_index_, loaded->raft_index);
            data = std::move(loaded->entries);
        }
    const bool from_pending = pending_image_.has_value();
    pending_image_.reset();
    if (!data)
        return;
    // replace_all marks a full rewrite: at startup it doubles as compaction of the journal.
    store_.replace_all(std::move(*data));
    logic_->reload();
    flush();
    if (from_pending && journal_)
        journal_->drop_pending();
}

void cluster::seal(std::size_t i)
{
    auto& n = nodes_.at(i);
    flush();
    n.sealed = true;
    n.progress.reset();
    if (active_ == i)
    {
        n.active_since.reset();
        active_.reset();
        // A pending rekey lives in the memory of the active node only.
        rekey_.clear();
        elect();
    }
}

void cluster::elect()
{
    if (active_)
        return;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].up && !nodes_[i].sealed)
            return make_active(i);
}

void cluster::make_active(std::size_t i)
{
    active_ = i;
    nodes_[i].active_since = std::chrono::system_clock::now();
    ++raft_term_;
}

void cluster::step_down()
{
    if (!active_)
        return;
    const auto old = *active_;
    nodes_[old].active_since.reset();
    active_.reset();
    rekey_.clear();
    for (std::size_t k = 1; k <= nodes_.size(); ++k)
    {
        const auto i = (old + k) % nodes_.size();
        if (nodes_[i].up && !nodes_[i].sealed)
            return make_active(i);
    }
}

void cluster::kill(std::size_t i)
{
    seal(i);
    nodes_.at(i).up = false;
}

void cluster::restart(std::size_t i)
{
    auto& n = nodes_.at(i);
    n.up = true;
    n.sealed = true;
    n.progress.reset();
    if (dev_mode() && root_key_)
    {
        n.sealed = false;  // `vault server -dev` unseals itself on start
        elect();
    }
}

void cluster::wipe(std::size_t i)
{
    kill(i);
    auto& n = nodes_.at(i);
    n.up = true;
    n.empty = true;
}

std::optional<coded_error> cluster::join(std::size_t i, std::string_view leader_api_addr)
{
    if (!nodes_.at(i).empty && initialized())
        return coded_error{500, "join can't be invoked on an initialized cluster"};
    for (std::size_t k = 0; k < nodes_.size(); ++k)
        if (k != i && api_addr(k) == leader_api_addr && nodes_[k].up && !nodes_[k].sealed && active_)
        {
            nodes_[i].empty = false;
            nodes_[i].progress.reset();
            return std::nullopt;
        }
    return coded_error{500, "failed to join raft cluster: no unsealed leader answers at " +
                                std::string(leader_api_addr)};
}

void cluster::install_keyring(const keyring& ring)
{
    ring_ = ring;
    persist_seal();
}

void cluster::persist_seal()
{
    if (journal_ && ring_)
        journal_->save_seal({*ring_, cluster_id_, cluster_name_});
}

snapshot_input cluster::snapshot_source() const
{
    snapshot_input in;
    in.entries = store_.entries();
    in.root_key = *root_key_;
    in.ring = *ring_;
    in.index = raft_index_;
    in.term = raft_term_;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
    {
        in.server_ids.push_back(nodes_[i].id);
        in.server_addresses.push_back(cluster_addr(i));
    }
    return in;
}

std::optional<coded_error> cluster::restore(std::string_view archive, bool force)
{
    return restore_parsed(parse_snapshot(archive), force);
}

std::optional<coded_error> cluster::restore_parsed(snapshot_result parsed, bool force)
{
    if (auto* err = std::get_if<std::string>(&parsed))
        return coded_error{400, *err};
    auto& snap = std::get<parsed_snapshot>(parsed);
    rekey_.clear();
    raft_index_ = std::max(raft_index_, snap.index) + 1;
    if (sealed_by(snap, *root_key_))
    {
        auto data = decrypt_entries(snap.encrypted, *root_key_);
        if (!data)
            return coded_error{500, "failed to restore snapshot: cannot decrypt state"};
        store_.replace_all(std::move(*data));
        logic_->reload();
        flush();
        return std::nullopt;
    }
    if (!force)
        return coded_error{
            400, "failed to verify snapshot: the snapshot was sealed by other keys (another cluster); "
                 "use snapshot-force to restore it anyway"};
    // Another cluster's data and keys: every node seals and needs that cluster's unseal keys.
    ring_ = snap.ring;
    pending_image_ = std::move(snap.encrypted);
    if (journal_)
        journal_->save_pending(*pending_image_);
    root_key_.reset();
    for (std::size_t i = 0; i < nodes_.size(); ++i)
    {
        nodes_[i].sealed = true;
        nodes_[i].progress.reset();
        nodes_[i].active_since.reset();
    }
    active_.reset();
    persist_seal();
    return std::nullopt;
}

void cluster::on_key_change(std::string_view key)
{
    saw_key_change_ = true;
    if (journal_)
        dirty_.emplace(key);
}

void cluster::on_change()
{
    ++raft_index_;
    if (!saw_key_change_)
        full_rewrite_ = true;  // replace_all reports no individual keys
    saw_key_change_ = false;
    if (!journal_ || flush_posted_ || !opts_.post)
        return;
    flush_posted_ = true;
    opts_.post([this] { flush(); });
}

void cluster::flush()
{
    flush_posted_ = false;
    if (!journal_ || !root_key_)
        return;
    if (full_rewrite_ || journal_->wants_compaction(store_.bytes()))
        journal_->rewrite(*root_key_, store_.entries(), raft_index_);
    else if (!dirty_.empty())
        journal_->append(*root_key_, store_.entries(), dirty_, raft_index_);
    full_rewrite_ = false;
    dirty_.clear();
}

}  // namespace vsim
