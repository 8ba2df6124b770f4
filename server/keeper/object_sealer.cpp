// The static-ring and transit sealers (see object_sealer.hpp).
#include "keeper/object_sealer.hpp"

#include "keeper/model/envelope.hpp"
#include "vault/client.hpp"
#include "vault/transit.hpp"

namespace vk::keeper {
namespace asio = boost::asio;

namespace {

class static_sealer final : public object_sealer
{
public:
    explicit static_sealer(kek_ring ring)
        : ring_(std::move(ring))
    {
    }

    asio::awaitable<result<std::string>> seal(std::string name, std::string plaintext) override
    {
        co_return seal_object(ring_, name, plaintext);
    }

    asio::awaitable<result<opened_object>> open(std::string name, std::string sealed) override
    {
        co_return open_object(ring_, name, sealed);
    }

    asio::awaitable<result<std::optional<std::string>>> reseal(std::string name, std::string sealed) override
    {
        auto opened = open_object(ring_, name, sealed);
        if (!opened)
            co_return opened.error();
        if (!opened->needs_rewrite())
            co_return std::nullopt;
        auto again = seal_object(ring_, name, opened->plaintext);
        if (!again)
            co_return again.error();
        co_return std::optional(std::move(*again));
    }

private:
    kek_ring ring_;
};

// The Vault cannot answer now (down, sealed, overloaded): the store waits on it.
bool unreachable(const error& e)
{
    for (errc c : {errc::transport_error, errc::timeout, errc::sealed, errc::standby, errc::server_error,
                   errc::unavailable, errc::rate_limited})
        if (e.is(c))
            return true;
    return false;
}

class transit_sealer final : public object_sealer
{
public:
    transit_sealer(transit_kek kek, std::unique_ptr<vault::client> client)
        : kek_(std::move(kek)),
          client_(std::move(client))
    {
    }

    asio::awaitable<result<std::string>> seal(std::string name, std::string plaintext) override
    {
        auto key = new_data_key();
        if (!key)
            co_return key.error();
        if (auto s = co_await started(); !s)
            co_return s.error();
        auto wrap = answered(co_await vault::transit_encrypt(*client_, kek_.mount, kek_.key, *key));
        if (!wrap)
            co_return wrap.error();
        co_return seal_envelope(*key, std::move(*wrap), name, plaintext);
    }

    asio::awaitable<result<opened_object>> open(std::string name, std::string sealed) override
    {
        auto e = decode_envelope(name, sealed);
        if (!e)
            co_return e.error();
        if (auto s = co_await started(); !s)
            co_return s.error();
        auto key = answered(co_await vault::transit_decrypt(*client_, kek_.mount, kek_.key, e->wrap));
        if (!key)
            co_return key.error();
        auto plain = open_envelope(*key, name, *e);
        if (!plain)
            co_return plain.error();
        // Under a version older than the latest known: rewrapped in the background (reseal).
        auto version = wrap_version(e->wrap);
        co_return opened_object{std::move(*plain), old(version) ? 1u : 0u, version};
    }

    asio::awaitable<result<std::optional<std::string>>> reseal(std::string name, std::string sealed) override
    {
        auto e = decode_envelope(name, sealed);
        if (!e)
            co_return e.error();
        if (auto s = co_await started(); !s)
            co_return s.error();
        if (!old(wrap_version(e->wrap)))
            co_return std::nullopt;
        auto wrap = answered(co_await vault::transit_rewrap(*client_, kek_.mount, kek_.key, e->wrap));
        if (!wrap)
            co_return wrap.error();
        auto again = rewrap_envelope(name, std::move(*e), std::move(*wrap));
        if (!again)
            co_return again.error();
        co_return std::optional(std::move(*again));
    }

    asio::awaitable<result<void>> refresh() override
    {
        if (auto s = co_await started(); !s)
            co_return s.error();
        auto k = answered(co_await vault::transit_read_key(*client_, kek_.mount, kek_.key));
        if (!k)
            co_return k.error();
        versions_ = *k;
        co_return result<void>();
    }

    std::optional<std::string> waits_on_vault() const override
    {
        return waiting_ ? std::optional(kek_.vault) : std::nullopt;
    }

    std::optional<vault::transit_key_info> transit_versions() const override { return versions_; }
    std::optional<std::string> transit_vault() const override { return kek_.vault; }

private:
    // A wrap under a version older than the latest known.
    bool old(std::optional<std::int64_t> version) const
    {
        return versions_ && version.value_or(0) < versions_->latest_version;
    }

    // The client logged in (once; again after a failure), and the key's versions read the first time.
    asio::awaitable<result<void>> started()
    {
        if (!logged_in_)
        {
            auto t = answered(co_await client_->start());
            if (!t)
                co_return t.error();
            logged_in_ = true;
        }
        if (!versions_)
            if (auto k = answered(co_await vault::transit_read_key(*client_, kek_.mount, kek_.key)))
                versions_ = *k;
        co_return result<void>();
    }

    // A Vault call's outcome, remembered for waits_on_vault(); errors say which Vault and key.
    template <class T> result<T> answered(result<T> r)
    {
        waiting_ = !r && unreachable(r.error());
        if (!r)
        {
            logged_in_ = logged_in_ && !r.error().is(errc::permission_denied);
            error e = r.error();
            e.message = "transit Vault " + kek_.vault + " (key " + kek_.key + "): " + e.message;
            return e;
        }
        return r;
    }

    transit_kek kek_;
    std::unique_ptr<vault::client> client_;
    bool logged_in_ = false;
    bool waiting_ = false;
    std::optional<vault::transit_key_info> versions_;
};

// A transit sealer whose Vault client could not be built: every call fails with why.
class broken_sealer final : public object_sealer
{
public:
    broken_sealer(error e, std::string vault)
        : e_(std::move(e)),
          vault_(std::move(vault))
    {
    }

    std::optional<std::string> transit_vault() const override { return vault_; }

    asio::awaitable<result<std::string>> seal(std::string, std::string) override { co_return e_; }
    asio::awaitable<result<opened_object>> open(std::string, std::string) override { co_return e_; }
    asio::awaitable<result<std::optional<std::string>>> reseal(std::string, std::string) override
    {
        co_return e_;
    }

private:
    error e_;
    std::string vault_;
};

}  // namespace

std::shared_ptr<object_sealer> ring_sealer(kek_ring ring)
{
    return std::make_shared<static_sealer>(std::move(ring));
}

std::shared_ptr<object_sealer> make_sealer(const kek_ring& ring, const std::optional<transit_kek>& transit,
                                           asio::any_io_executor ex)
{
    if (!transit)
        return ring_sealer(ring);
    auto c = vault::client::create(ex, transit->access);
    if (!c)
    {
        error e = c.error();
        e.message = "transit Vault " + transit->vault + ": " + e.message;
        return std::make_shared<broken_sealer>(std::move(e), transit->vault);
    }
    return std::make_shared<transit_sealer>(*transit, std::move(*c));
}

}  // namespace vk::keeper
