// The barrier rekey state machine of vault/rekey.go: init (nonce), update with old shares, optional
// verification with the new shares, cancel. Pending state lives only in memory on the active node, so a
// seal, restart or leader change drops it and the old shares stay valid.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_REKEY_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_REKEY_HPP

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "keyring.hpp"

namespace vsim {

// An HTTP-coded failure (logical.CodedError).
struct coded_error
{
    unsigned status = 400;
    std::string message;
};

struct rekey_request
{
    seal_config config;
    bool require_verification = false;
    bool backup = false;
    std::size_t pgp_keys = 0;
    std::vector<std::string> pgp_key_data;      // the base64 keys themselves (sys/rekey/init's pgp_keys)
    std::vector<std::string> pgp_fingerprints;  // theirs, announced by the status and the completed step
};

class rekey_machine
{
public:
    using time_point = std::chrono::steady_clock::time_point;
    // What a completed step asks the caller to do: install this keyring (the old shares stop working).
    struct step
    {
        boost::json::object body;
        std::optional<keyring> rotated;
    };

    std::optional<coded_error> init(const rekey_request& req, time_point now);
    // Since Vault 1.20 a nonce is required to cancel within 10 minutes of init.
    std::optional<coded_error> cancel(const std::optional<std::string>& nonce, time_point now);
    // GET sys/rekey/init; current_threshold is the threshold of the shares in use ("required").
    boost::json::object status(int current_threshold) const;
    std::variant<step, coded_error> update(const keyring& current, const bytes& share,
                                           const std::string& nonce);

    std::variant<boost::json::object, coded_error> verify_status() const;
    std::variant<step, coded_error> verify(const keyring& current, const bytes& share,
                                           const std::string& nonce);
    // DELETE sys/rekey/verify: new verification nonce, progress cleared.
    std::variant<boost::json::object, coded_error> verify_restart();

    void clear() { state_.reset(); }
    bool active() const { return state_.has_value(); }
    // The pending rekey's pgp_keys (none when no rekey is pending).
    std::vector<std::string> pgp_keys() const
    {
        return state_ ? state_->req.pgp_key_data : std::vector<std::string>{};
    }

private:
    struct state
    {
        rekey_request req;
        std::string nonce;
        time_point started;
        std::vector<bytes> progress;
        // Set once the old shares were accepted in verification mode: the new unseal key awaiting verify.
        bytes verification_key;
        std::string verification_nonce;
        std::vector<bytes> verification_progress;
        bytes root_key;
    };
    boost::json::object complete_body(const std::vector<bytes>& shares) const;
    std::optional<state> state_;
};

}  // namespace vsim

#endif
