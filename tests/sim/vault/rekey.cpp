// Barrier rekey (vault/rekey.go + http/sys_rekey.go semantics, without PGP encryption of new shares).
#include "rekey.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

#include "barrier.hpp"

namespace vsim {
namespace json = boost::json;

namespace {
coded_error bad(std::string msg)
{
    return coded_error{400, std::move(msg)};
}

std::optional<coded_error> check_share_length(const bytes& share)
{
    if (share.size() < min_key_len)
        return bad("key is shorter than minimum " + std::to_string(min_key_len) + " bytes");
    if (share.size() > max_key_len)
        return bad("key is longer than maximum " + std::to_string(max_key_len) + " bytes");
    return std::nullopt;
}

bool contains(const std::vector<bytes>& v, const bytes& b)
{
    return std::find(v.begin(), v.end(), b) != v.end();
}

// Vault's PGPFingerprints: null without pgp_keys.
json::value announced_fingerprints(const rekey_request& r)
{
    if (r.pgp_fingerprints.empty())
        return nullptr;
    json::array a;
    for (const auto& f : r.pgp_fingerprints)
        a.emplace_back(f);
    return a;
}
}  // namespace

std::optional<coded_error> rekey_machine::init(const rekey_request& req, time_point now)
{
    if (req.backup && req.pgp_keys == 0)
        return bad("cannot request a backup of the new keys without providing PGP keys for encryption");
    if (req.pgp_keys > 0 && req.pgp_keys != static_cast<std::size_t>(req.config.shares))
        return bad("incorrect number of PGP keys for rekey");
    if (auto err = validate(req.config))
        return bad("invalid rekey seal configuration: " + *err);
    if (state_)
        return bad("rekey already in progress");
    state_.emplace();
    state_->req = req;
    state_->nonce = uuid();
    state_->started = now;
    return std::nullopt;
}

std::optional<coded_error> rekey_machine::cancel(const std::optional<std::string>& nonce, time_point now)
{
    if (!state_)
        return std::nullopt;  // idempotent
    const bool young = now - state_->started < std::chrono::minutes(10);
    if (young && !nonce)
        return bad("nonce is required to cancel a rekey operation within 10 minutes of its start");
    if (nonce && *nonce != state_->nonce)
        return bad("invalid nonce supplied");
    state_.reset();
    return std::nullopt;
}

json::object rekey_machine::status(int current_threshold) const
{
    json::object o;
    o["nonce"] = state_ ? state_->nonce : "";
    o["started"] = state_.has_value();
    o["t"] = state_ ? state_->req.config.threshold : 0;
    o["n"] = state_ ? state_->req.config.shares : 0;
    o["progress"] = state_ ? state_->progress.size() : 0;
    o["required"] = current_threshold;
    o["pgp_fingerprints"] = state_ ? announced_fingerprints(state_->req) : json::value(nullptr);
    o["backup"] = state_ ? state_->req.backup : false;
    o["verification_required"] = state_ ? state_->req.require_verification : false;
    if (state_ && !state_->verification_nonce.empty())
        o["verification_nonce"] = state_->verification_nonce;
    return o;
}

json::object rekey_machine::complete_body(const std::vector<bytes>& shares) const
{
    json::array keys, keys_b64;
    for (const auto& s : shares)
    {
        keys.emplace_back(hex_encode(s));
        keys_b64.emplace_back(base64_encode(s));
    }
    json::object o;
    o["nonce"] = state_->nonce;
    o["complete"] = true;
    o["keys"] = std::move(keys);
    o["keys_base64"] = std::move(keys_b64);
    o["pgp_fingerprints"] = announced_fingerprints(state_->req);
    o["backup"] = state_->req.backup;
    o["verification_required"] = state_->req.require_verification;
    if (!state_->verification_nonce.empty())
        o["verification_nonce"] = state_->verification_nonce;
    return o;
}

std::variant<rekey_machine::step, coded_error>
rekey_machine::update(const keyring& current, const bytes& share, const std::string& nonce)
{
    if (auto err = check_share_length(share))
        return *err;
    if (!state_)
        return bad("no barrier rekey in progress");
    if (!state_->verification_key.empty())
        return bad(
            "rekey operation already finished; verification must be performed; nonce for the verification "
            "operation is \"" +
            state_->verification_nonce + "\"");
    if (nonce != state_->nonce)
        return bad("incorrect nonce supplied; nonce for this rekey operation is \"" + state_->nonce + "\"");
    if (contains(state_->progress, share))
        return bad("given key has already been provided during this generation operation");
    state_->progress.push_back(share);
    if (static_cast<int>(state_->progress.size()) < current.config.threshold)
        return step{status(current.config.threshold), std::nullopt};

    // Threshold reached: progress is forgotten whatever happens next.
    auto combined = combine_shares(state_->progress);
    state_->progress.clear();
    if (auto* err = std::get_if<std::string>(&combined))
        return coded_error{500, "failed to compute root key: " + *err};
    auto root = open_root(current, std::get<bytes>(combined));
    if (!root)
        return bad("root key verification failed: Unseal failed, invalid key");

    const auto new_key = random_bytes(barrier::key_size);
    const auto shares = split_key(new_key, state_->req.config);
    if (state_->req.require_verification)
    {
        state_->verification_key = new_key;
        state_->verification_nonce = uuid();
        state_->root_key = *root;
        return step{complete_body(shares), std::nullopt};
    }
    step done{complete_body(shares), wrap_root(state_->req.config, new_key, *root)};
    state_.reset();
    return done;
}

std::variant<json::object, coded_error> rekey_machine::verify_status() const
{
    if (!state_)
        return bad("no rekey configuration found");
    json::object o;
    o["nonce"] = state_->verification_nonce;
    o["started"] = !state_->verification_key.empty();
    o["t"] = state_->req.config.threshold;
    o["n"] = state_->req.config.shares;
    o["progress"] = state_->verification_progress.size();
    return o;
}

std::variant<rekey_machine::step, coded_error>
rekey_machine::verify(const keyring& current, const bytes& share, const std::string& nonce)
{
    if (auto err = check_share_length(share))
        return *err;
    if (!state_)
        return bad("no rekey in progress");
    if (state_->verification_key.empty())
        return bad("no rekey verification in progress");
    if (nonce != state_->verification_nonce)
        return bad("incorrect nonce supplied; nonce for this verify operation is \"" +
                   state_->verification_nonce + "\"");
    if (contains(state_->verification_progress, share))
        return bad("given key has already been provided during this verify operation");
    state_->verification_progress.push_back(share);
    if (static_cast<int>(state_->verification_progress.size()) < state_->req.config.threshold)
        return step{std::get<json::object>(verify_status()), std::nullopt};

    // Threshold reached: progress is cleared; a failure also rotates the verification nonce.
    auto combined = combine_shares(state_->verification_progress);
    state_->verification_progress.clear();
    const auto* key = std::get_if<bytes>(&combined);
    if (!key || *key != state_->verification_key)
    {
        state_->verification_nonce = uuid();
        if (!key)
            return coded_error{500,
                               "failed to compute key for verification: " + std::get<std::string>(combined)};
        return bad("rekey verification failed; incorrect key shares supplied");
    }
    json::object o;
    o["nonce"] = state_->verification_nonce;
    o["complete"] = true;
    step done{std::move(o), wrap_root(state_->req.config, state_->verification_key, state_->root_key)};
    state_.reset();
    return done;
}

std::variant<json::object, coded_error> rekey_machine::verify_restart()
{
    if (!state_)
        return bad("no rekey configuration found");
    if (state_->verification_key.empty())
        return bad("no rekey verification in progress");
    state_->verification_nonce = uuid();
    state_->verification_progress.clear();
    return verify_status();
}

}  // namespace vsim
