// A shard store: where the keeper keeps its objects (unseal key shards, shard-set records, its procedure
// state record). Implementations: file_store (encrypted files, one per object), object_shard_store (sealed
// objects in S3, GCS or Azure) and kubernetes_store (one Secret per object). Every operation is idempotent
// so a cycle interrupted at any instant can simply be run again.
#ifndef VAULTKEEPER_SERVER_KEEPER_SHARD_STORE_HPP
#define VAULTKEEPER_SERVER_KEEPER_SHARD_STORE_HPP

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "keeper/model/object_name.hpp"

namespace vk::keeper {

// An object as stored: its bytes (already decrypted by the store when it encrypts) and an opaque version
// for compare-and-swap (a Kubernetes resourceVersion, a content digest for files).
struct stored_object
{
    std::string name;
    std::string data;
    std::string version;
    // Opened with a previous key-encryption key (a rotation): to be rewritten under the current one.
    bool old_key = false;
    // The transit key version wrapping its data key (a transit store), for the lowest version in use.
    std::optional<std::int64_t> wrap_version;
};

// An object's bytes as the store holds them (sealed), with its version.
struct raw_object
{
    std::string bytes;
    std::string version;
};

// Object names are 1-200 characters of [a-z0-9.-], starting and ending with a letter or digit, so that they
// are valid Kubernetes Secret names and file names alike: valid_object_name() in
// keeper/model/object_name.hpp.

class object_sealer;

class shard_store
{
public:
    virtual ~shard_store() = default;

    // The configured store name ("disk-a"), for logs, errors and status: never a secret.
    virtual const std::string& name() const noexcept = 0;

    // How the store seals its objects at rest (nullptr: it does not seal them itself).
    virtual std::shared_ptr<object_sealer> sealer() const { return nullptr; }

    // Whether put/remove honour expected_version atomically (compare-and-swap).
    virtual bool supports_cas() const noexcept = 0;

    // Start-up check: the store is reachable and writable (and its key decrypts what it holds). An error
    // names the store and the path or endpoint.
    virtual boost::asio::awaitable<result<void>> check() = 0;

    // errc::not_found when absent; errc::bad_response when the stored bytes do not decrypt or parse.
    virtual boost::asio::awaitable<result<stored_object>> get(std::string name) = 0;

    // Writes durably before returning (file: temp + fsync + rename + dir fsync). expected_version: nullopt =
    // unconditional; "" = only if absent; else only if the current version matches (errc::conflict
    // otherwise). Returns the new version.
    virtual boost::asio::awaitable<result<std::string>> put(std::string name, std::string data,
                                                            std::optional<std::string> expected_version) = 0;

    // Absent is success (idempotent). expected_version as for put.
    virtual boost::asio::awaitable<result<void>> remove(std::string name,
                                                        std::optional<std::string> expected_version) = 0;

    // Names of every object the store holds (for audits, status and leftovers checks).
    virtual boost::asio::awaitable<result<std::vector<std::string>>> list() = 0;

    // A store with a sealer: the sealed bytes as held (not_found when absent), and a write of sealed bytes as
    // put() writes them (expected_version as for put). Unused otherwise.
    virtual boost::asio::awaitable<result<raw_object>> get_raw(std::string name)
    {
        co_return make_error(errc::internal, "store " + name_of_unsealed(name));
    }
    virtual boost::asio::awaitable<result<std::string>> put_raw(std::string name, std::string,
                                                                std::optional<std::string>)
    {
        co_return make_error(errc::internal, "store " + name_of_unsealed(name));
    }

private:
    std::string name_of_unsealed(const std::string& object) const
    {
        return name() + " has no sealed bytes of " + object + " to give";
    }
};

// The object rewritten under its store's current key when it is not (a rotation's background step): a
// store with a sealer reseals the bytes it holds (object_sealer::reseal: a transit envelope is rewrapped,
// its body unchanged), others read and write it again. Written by CAS against the version read, so the
// old sealing stays until the new one is durable and a concurrent change wins (errc::conflict). The new
// version; nullopt when there was nothing to do (absent, or already under the current key).
boost::asio::awaitable<result<std::optional<std::string>>> reseal(shard_store& s, std::string name);

}  // namespace vk::keeper

#endif
