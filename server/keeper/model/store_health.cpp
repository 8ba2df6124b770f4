// Store health: the record chosen among the copies that open, what an unusable store forbids, and the alerts
// it is worth.
#include "keeper/model/store_health.hpp"

#include "keeper/model/placement.hpp"

namespace vk::keeper {

std::string store_reason(std::string_view store, const error& e)
{
    std::string prefix = "store " + std::string(store) + ": ";
    std::string out = e.message.starts_with(prefix) ? e.message.substr(prefix.size()) : e.message;
    if (!e.path.empty())
        out += " (" + e.path + ")";
    return out;
}

record_choice choose_record(const std::vector<store_reading>& readings)
{
    record_choice out;
    bool opened = false;
    for (const auto& r : readings)
    {
        store_health h{r.store, r.failure.empty(), r.failure};
        if (h.usable && r.record)
        {
            if (auto parsed = record_from_json(*r.record); !parsed)
                h = {r.store, false,
                     std::string(state_object) + " does not parse: " + parsed.error().message};
            else if (!opened || parsed->seq > out.record.seq)
            {
                out.record = std::move(*parsed);
                out.from = r.store;
                opened = true;
            }
        }
        out.health.push_back(std::move(h));
    }
    if (!opened && !unusable_summary(out.health).empty())
        out.unknown =
            "no store's copy of the state record opens, so what is held cannot be told; unusable: " +
            unusable_summary(out.health);
    return out;
}

std::uint64_t next_seq(std::uint64_t seq, const std::vector<store_health>& health)
{
    return seq + (unusable_summary(health).empty() ? 1 : 2);
}

std::vector<std::string> usable_stores(const std::vector<store_health>& health)
{
    std::vector<std::string> out;
    for (const auto& h : health)
        if (h.usable)
            out.push_back(h.store);
    return out;
}

std::string unusable_summary(const std::vector<store_health>& health)
{
    std::string out;
    for (const auto& h : health)
        if (!h.usable)
            out += (out.empty() ? "store " : "; store ") + h.store + " (" + h.reason + ")";
    return out;
}

result<std::vector<std::string>> placement_over_usable(int shares, int threshold,
                                                       const std::vector<store_health>& health)
{
    auto usable = usable_stores(health);
    auto placed = place_shards(shares, threshold, usable);
    if (placed || usable.size() == health.size())
        return placed;
    std::vector<std::string> every;
    for (const auto& h : health)
        every.push_back(h.store);
    if (auto full = place_shards(shares, threshold, every); !full)
        return full.error();  // not the unusable stores' doing
    return make_error(errc::conflict,
                      "a new set of " + std::to_string(shares) +
                          " shards cannot be placed with every store below the threshold of " +
                          std::to_string(threshold) + " on the " + std::to_string(usable.size()) +
                          " usable store(s); fix the unusable first: " + unusable_summary(health));
}

result<void> degraded_start(const procedure_record& r, int readable, const std::vector<store_health>& health)
{
    auto unusable = unusable_summary(health);
    if (unusable.empty())
        return {};
    if (!r.current)
        return make_error(errc::unavailable,
                          "no shard set is held yet and an init needs every store; unusable: " + unusable);
    if (readable < r.current->threshold)
        return make_error(errc::unavailable,
                          "only " + std::to_string(readable) + " shards of " + r.current->id + " open (" +
                              std::to_string(r.current->threshold) +
                              " needed), so nothing can be unsealed; unusable: " + unusable);
    return {};
}

health_news health_changes(const std::set<std::string>& alerted, const std::vector<store_health>& now)
{
    health_news out;
    for (const auto& h : now)
    {
        if (!h.usable && !alerted.contains(h.store))
            out.broke.push_back(h);
        if (h.usable && alerted.contains(h.store))
            out.recovered.push_back(h.store);
    }
    return out;
}

}  // namespace vk::keeper
