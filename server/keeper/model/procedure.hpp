// The keeper's procedure (init and rekey) as a pure state machine. Its whole state is ONE record (JSON,
// versioned, written by compare-and-swap): the step, the shard sets (current, pending, previous, planned),
// our rekey nonces, audits in flight and their verdicts. decide() takes the record and what Vault shows and
// returns the single next action; the shell performs it and writes the record the action names, then asks
// again. Every action is idempotent, so a crash at any instant is resumed by deciding again from the record.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_PROCEDURE_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_PROCEDURE_HPP

#include "core/error.hpp"
#include "keeper/model/custodians.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vk::keeper {

// One shard set as recorded: which store holds each shard, then the custodians' shares (Vault's key order:
// shard i < placement.size() is a store's, the others a custodian's each, in config order).
struct shard_set
{
    std::string id;  // "set-3"
    int shares = 0;
    int threshold = 0;
    std::vector<std::string> placement;       // store name of shard i
    std::vector<custodian_share> custodians;  // messages empty until Vault answered them
    bool operator==(const shard_set&) const = default;
};

inline constexpr std::string_view state_object = "keeper-state";
// "<set>-shard-<i>", "<set>-root": the objects of a set (the root token only right after init).
std::string shard_object(std::string_view set, int index);
std::string root_object(std::string_view set);
// The set an object belongs to ("set-3" for "set-3-shard-1"), nullopt for objects that are no set's.
std::optional<std::string> set_of_object(std::string_view object);

enum class step
{
    idle,            // nothing in flight
    init_intent,     // about to call sys/init; `pending` is the set its answer goes to
    requested,       // a rekey was requested; `planned` is the new set; no nonce yet
    started,         // our rekey runs in Vault with `nonce`; old shards may be submitted
    pending_stored,  // the new set is stored as `pending`, `verification_nonce` recorded; verify next
    promoted,        // Vault uses `current` (the new set); `previous` still held until audited
    audited,         // an audit proved `current`; drop `previous`
};
std::string_view to_string(step s);
// The step name for status and the rekey_step metric: idle, init, request, update, verify, audit, finish.
std::string_view step_label(step s);
std::vector<std::string_view> step_labels();

enum class verdict
{
    live,  // a threshold of its shards authenticates against Vault now
    dead,  // Vault refused them as the wrong key
};

// An audit in flight: a verification-mode rekey started only to submit `set`'s shards, then cancelled.
struct audit_op
{
    std::string set;
    std::string nonce;  // "" until recorded (then the audit may submit shards)
    bool operator==(const audit_op&) const = default;
};

struct procedure_record
{
    static constexpr int current_version = 1;
    std::uint64_t seq = 0;  // +1 per write; the highest wins among mirrors
    step st = step::idle;
    std::optional<shard_set> current, pending, previous, planned;
    std::string nonce;               // our rekey (started, pending_stored)
    std::string verification_nonce;  // pending_stored
    std::optional<audit_op> audit;
    std::map<std::string, verdict> verdicts;  // audits of the running procedure, by set id
    std::uint64_t next_set = 1;
    bool revoke_root = false;  // init with root_token "revoke": the stored root token is still to be revoked
    std::int64_t last_audit_unix = 0;
    std::string last_audit_set;
    std::int64_t last_rekey_unix = 0;  // when the last rekey finished
    std::string problem;               // why the procedure waits for a human ("" when it does not)
    bool operator==(const procedure_record&) const = default;

    // The sets the record names (a set not named is garbage and can be deleted: it was never live).
    std::set<std::string> referenced_sets() const;
};

std::string to_json(const procedure_record& r);
// bad_response for malformed JSON or an unknown version.
result<procedure_record> record_from_json(std::string_view text);

// What Vault shows of its rekey slot (GET sys/rekey/init on the active node).
struct rekey_view
{
    std::string nonce;
    int t = 0;
    int n = 0;
    int progress = 0;
    bool verification_required = false;
    std::string verification_nonce;  // the update phase completed
    bool pgp = false;  // new keys PGP-encrypted (or backed up): ours only when the set has custodians
    bool backup = false;
    std::vector<std::string> pgp_fingerprints;
};

struct observation
{
    bool initialized = false;
    std::optional<rekey_view> rekey;      // nullopt: no rekey running
    std::map<std::string, int> readable;  // shards readable per set id (filled for sets the record names)
    std::set<std::string> stray_sets;     // sets found in the stores that the record does not name
    // The planned set has custodians and the keeper's key its rekey encrypts to is gone (held only in
    // memory: a restart lost it): Vault's answer could not be read, so that rekey is cancelled and redone.
    bool planned_key_lost = false;
};

// What the job wants besides the record.
struct procedure_policy
{
    bool can_init = false;  // `init` configured
    int shares = 0;         // for init and new sets
    int threshold = 0;
    bool root_revoke = true;
    std::vector<std::string> placement;       // for a new set (place_shards over the usable stores)
    std::vector<custodian_share> custodians;  // for a new set: each custodian's name and key fingerprint
    std::string no_placement;  // why a new set cannot be placed now (unusable stores), "" when it can
    bool want_rekey = false;   // requested through the API or rekey_interval elapsed
    std::int64_t now_unix = 0;
};

enum class act
{
    none,        // nothing to do
    write,       // write `next` (CAS)
    vault_init,  // sys/init with the policy's shares/threshold; store the whole answer as `set`; write `next`
    rekey_init,  // sys/rekey/init (require_verification); write `next` with the answered nonce
                 // (rekey_started)
    submit_old,  // sys/rekey/update with `set`'s shards under `nonce`; at completion store the new keys as
                 // `next.pending`, then write `next` with the verification nonce (update_completed)
    verify,      // sys/rekey/verify with `set`'s shards under verification nonce `nonce` (restarting one in
                 // progress); write `next` (promoted). Refused shards: cancel, write audited(set, dead)
    audit_submit,  // sys/rekey/update with `set`'s shards under `nonce`; cancel `nonce`; write
                   // audited(verdict)
    cancel,        // DELETE sys/rekey/init with `nonce`; write `next`
    delete_set,    // remove every object of `set` from every store; write `next`
    revoke_root,   // revoke the root token stored with `set` and delete it; write `next`
    wait,          // cannot go on now: report `message` at `level`
};
std::string_view to_string(act a);

enum class level
{
    info,
    warning,
    alert,
    error,
    fatal
};

struct action
{
    act kind = act::none;
    procedure_record next;
    std::string set;
    std::string nonce;
    std::string message;
    keeper::level level = level::info;
};

// With `no_placement` set, an action that would create a set (init or rekey) becomes a wait (warning) naming
// it: the procedure stays where it is until the stores are back.
action decide(const procedure_record& r, const observation& o, const procedure_policy& p);

// Records after the shell's I/O (each returns the record to write next).
// sys/init answered and its whole answer stored: the pending set becomes current.
procedure_record initialised(procedure_record r, bool revoke_root, std::int64_t now_unix);
// A rekey asked for (the admin API, rekey_interval, or again after Vault lost ours): `requested` with a fresh
// planned set from the policy (the old plan's objects become stray and are removed).
procedure_record request_rekey(procedure_record r, const procedure_policy& p);
procedure_record rekey_started(procedure_record r, std::string nonce);
procedure_record update_completed(procedure_record r, std::string verification_nonce);
// Verification completed: the pending set is in force, the old one kept as previous until audited.
procedure_record promoted(procedure_record r);
procedure_record audited(procedure_record r, const std::string& set, verdict v, std::int64_t now_unix);
// The record to write: the next seq.
procedure_record bump(procedure_record r);

// The sets to try when unsealing, best first: the last set that worked, then current, pending, previous.
std::vector<shard_set> unseal_order(const procedure_record& r, const std::string& last_good);

// Whether Vault's answer to a threshold of shards means "these are the wrong key" (try another set), as
// opposed to a failure that says nothing about the keys.
bool is_wrong_key(const error& e);

}  // namespace vk::keeper

#endif
