// The daemon's Vault KV v2 version checks, shared: one hub per Vault holds every emissary job's checked
// paths (model/check_registry.hpp) and sends one metadata read per path per slot, whichever jobs and
// templates read it, then tells each reading job what it saw. The jobs read the data themselves when the
// version moved (vault_checks.hpp). Every job on one Vault entry holds the same credentials, so a check
// may be sent with any member's client.
#ifndef VAULTKEEPER_SERVER_EMISSARY_VAULT_CHECK_HUB_HPP
#define VAULTKEEPER_SERVER_EMISSARY_VAULT_CHECK_HUB_HPP

#include "emissary/model/check_registry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vk::emissary {

struct emissary_core;

// What one slot's check of a path says to the jobs reading it.
struct check_answer
{
    enum class what
    {
        seen,       // the metadata answered: `seen`
        read_data,  // the token may not read the mount's metadata (403): read the data instead
        failed,     // the check failed; it is tried again at the next slot
    } kind = what::failed;
    version_seen seen;
};

// Used on the io_context's thread only, like the rest of the daemon.
class vault_check_hub : public std::enable_shared_from_this<vault_check_hub>
{
public:
    struct member
    {
        std::shared_ptr<emissary_core> core;  // its source's client may send the checks
        std::string source;
        // The check of paths[index] (of the list joined with) answered.
        std::function<void(std::uint32_t index, const check_answer& answer)> answer;
    };

    // The hub of the Vault entry `vault` at `endpoint`, made on first use (a reload that points the entry
    // elsewhere gets a new one; the old one ends with its last member).
    static std::shared_ptr<vault_check_hub> for_vault(boost::asio::any_io_executor ex,
                                                      const std::string& vault, const std::string& endpoint);

    // m's paths are checked until leave(id) (paths shared with other members once).
    std::uint64_t join(const std::vector<check_key>& paths, milliseconds vault_check, double per_second,
                       member m);
    void leave(std::uint64_t id);

    const check_registry& registry() const { return registry_; }
    // The instant a member's data read after a change may be sent (the reads' own budget).
    clock_time take_read(clock_time now) { return registry_.take_read(now); }

    vault_check_hub(boost::asio::any_io_executor ex, std::string vault);

private:
    // The round: starts each due check (at most max_in_flight at once) until the last member leaves.
    static boost::asio::awaitable<void> dispatch(std::shared_ptr<vault_check_hub> self);
    static boost::asio::awaitable<void> check(std::shared_ptr<vault_check_hub> self, check_key key);
    // The member whose client sends the check of `key` (nullptr when no member reads it any more).
    const member* sender_for(const check_key& key) const;
    void tell(const check_key& key, const check_answer& answer);
    void wake() { wake_.cancel(); }

    std::string vault_;
    check_registry registry_;
    std::map<std::uint64_t, member> members_;
    boost::asio::steady_timer wake_;
    bool dispatching_ = false;
    std::size_t in_flight_ = 0;
};

}  // namespace vk::emissary

#endif
