// Leader election over a coordination.k8s.io/v1 Lease, the way client-go's leaderelection does it, as a
// pure state machine: read the Lease, then create it, take it over or renew it with the resourceVersion
// read (compare-and-swap), or wait. A Lease held by someone else counts as expired lease_duration after this
// replica last saw it change (its own clock: the holder's timestamps come from another machine). A holder
// that has not renewed successfully for renew_deadline stops leading; client-go's rule
// lease_duration > renew_deadline > 1.2 x retry_period leaves it lease_duration - renew_deadline to stop
// what the lease guards before anyone else may take it.
#ifndef VAULTKEEPER_SERVER_KUBERNETES_MODEL_LEASE_ELECTION_HPP
#define VAULTKEEPER_SERVER_KUBERNETES_MODEL_LEASE_ELECTION_HPP

#include <chrono>
#include <optional>
#include <string>

namespace vk::kubernetes {

using election_clock = std::chrono::steady_clock;

// A Lease's spec as the API server holds it (times as MicroTime text, never used for expiry).
struct lease_spec
{
    std::string holder;  // holderIdentity; "" = released
    long long duration_seconds = 0;
    std::string acquire_time;
    std::string renew_time;
    long long transitions = 0;
    bool operator==(const lease_spec&) const = default;
};

// A read of the Lease: nullopt spec when there is none (404).
struct lease_read
{
    std::optional<lease_spec> spec;
    std::string resource_version;
};

struct election_params
{
    std::string identity;  // this replica's holderIdentity
    std::chrono::milliseconds lease_duration{15000};
    std::chrono::milliseconds renew_deadline{10000};
    std::chrono::milliseconds retry_period{2000};
};

// What to send after a read.
struct election_step
{
    enum class what
    {
        create,  // no Lease yet: POST `spec`
        update,  // PUT `spec` with `resource_version` (a takeover, or our renewal)
        wait,    // held by someone else and not expired: try again after a retry period
    } kind = what::wait;
    lease_spec spec;
    std::string resource_version;
    std::string held_by;  // wait: the current holder
};

class lease_election
{
public:
    explicit lease_election(election_params p);

    // The Lease as read at `now` (`wall` = now as MicroTime, for the timestamps written).
    election_step after_read(const lease_read& seen, election_clock::time_point now, const std::string& wall);
    // The create or update of the last step handed out (after_read, renewal, release): accepted (the new
    // resourceVersion) or not (409, an error).
    void written(bool accepted, const std::string& new_resource_version, election_clock::time_point now);
    // A renewal without a read first (client-go's fast path): our last written spec with a new renewTime and
    // the resourceVersion of our last write. Only while leading().
    election_step renewal(const std::string& wall);

    // We hold the Lease and renewed it less than renew_deadline ago.
    bool leading(election_clock::time_point now) const;
    // While leading: the instant leadership ends without another successful renewal.
    election_clock::time_point renew_by() const { return last_renewal_ + p_.renew_deadline; }
    // The spec that hands the Lease back on a graceful stop: no holder, 1 s, so another replica takes it at
    // its next try instead of waiting for the expiry; with the resourceVersion of our last write.
    election_step release(const std::string& wall);
    // Forget leadership (after losing it): the next read starts over.
    void step_down();

    const std::string& holder_seen() const { return observed_.holder; }
    const election_params& params() const { return p_; }

private:
    election_params p_;
    lease_spec observed_;  // the spec last read, and when it last changed (our clock)
    election_clock::time_point observed_at_{};
    bool have_observed_ = false;
    election_step pending_;  // the last step handed out
    lease_spec mine_;        // the spec of our last accepted write
    std::string my_version_;
    bool holding_ = false;
    election_clock::time_point last_renewal_{};
};

// client-go's wait.JitterUntil with factor 1.2: a period in [retry, retry x 2.2), `unit` in [0, 1).
std::chrono::milliseconds jittered_retry(std::chrono::milliseconds retry, double unit);

// MicroTime: "2006-01-02T15:04:05.000000Z" (UTC, microseconds).
std::string micro_time(std::chrono::system_clock::time_point t);

}  // namespace vk::kubernetes

#endif
