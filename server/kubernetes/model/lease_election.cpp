// client-go's tryAcquireOrRenew, step by step: the observed spec and the time it last changed decide whether
// a foreign holder expired; our own writes keep acquireTime and leaseTransitions, a takeover bumps them.
#include "kubernetes/model/lease_election.hpp"

#include <cstdio>
#include <ctime>

namespace vk::kubernetes {

namespace {

long long whole_seconds(std::chrono::milliseconds d)
{
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

lease_election::lease_election(election_params p)
    : p_(std::move(p))
{
}

election_step lease_election::after_read(const lease_read& seen, election_clock::time_point now,
                                         const std::string& wall)
{
    if (!seen.spec)
    {
        have_observed_ = false;
        holding_ = false;
        pending_ = {election_step::what::create,
                    {p_.identity, whole_seconds(p_.lease_duration), wall, wall, 0},
                    "",
                    ""};
        return pending_;
    }
    if (!have_observed_ || *seen.spec != observed_)
    {
        observed_ = *seen.spec;
        observed_at_ = now;
        have_observed_ = true;
    }
    const bool ours = observed_.holder == p_.identity;
    if (!ours)
        holding_ = false;  // taken over (or released) while we thought we held it
    if (!ours && !observed_.holder.empty() &&
        observed_at_ + std::chrono::seconds(observed_.duration_seconds) > now)
    {
        pending_ = {election_step::what::wait, {}, "", observed_.holder};
        return pending_;
    }
    lease_spec next{p_.identity, whole_seconds(p_.lease_duration), wall, wall, observed_.transitions + 1};
    if (ours)
    {
        next.acquire_time = observed_.acquire_time;
        next.transitions = observed_.transitions;
    }
    pending_ = {election_step::what::update, std::move(next), seen.resource_version, ""};
    return pending_;
}

void lease_election::written(bool accepted, const std::string& new_resource_version,
                             election_clock::time_point now)
{
    if (!accepted || pending_.kind == election_step::what::wait)
        return;
    holding_ = pending_.spec.holder == p_.identity;
    if (!holding_)
        return;  // a release
    last_renewal_ = now;
    mine_ = pending_.spec;
    my_version_ = new_resource_version;
    observed_ = mine_;
    observed_at_ = now;
    have_observed_ = true;
}

election_step lease_election::renewal(const std::string& wall)
{
    auto spec = mine_;
    spec.renew_time = wall;
    pending_ = {election_step::what::update, std::move(spec), my_version_, ""};
    return pending_;
}

election_step lease_election::release(const std::string& wall)
{
    auto spec = mine_;
    spec.holder.clear();
    spec.duration_seconds = 1;
    spec.acquire_time = wall;
    spec.renew_time = wall;
    pending_ = {election_step::what::update, std::move(spec), my_version_, ""};
    return pending_;
}

bool lease_election::leading(election_clock::time_point now) const
{
    return holding_ && now - last_renewal_ < p_.renew_deadline;
}

void lease_election::step_down()
{
    holding_ = false;
}

std::chrono::milliseconds jittered_retry(std::chrono::milliseconds retry, double unit)
{
    return retry +
           std::chrono::milliseconds(static_cast<long long>(static_cast<double>(retry.count()) * 1.2 * unit));
}

std::string micro_time(std::chrono::system_clock::time_point t)
{
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(micros / 1000000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char out[40];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros % 1000000));
    return out;
}

}  // namespace vk::kubernetes
