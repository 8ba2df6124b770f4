// GPGME behind procedure_key: a context per call on the key's own GNUPGHOME (GPGME contexts are not shared
// across threads), binary (unarmoured) output, and the homedir's gpg-agent stopped before the directory goes.
#include "keeper/pgp.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <gpgme.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace vk::keeper {
namespace fs = std::filesystem;

namespace {

error gpgme_failure(const char* what, gpgme_error_t e)
{
    return make_error(errc::internal, std::string("GPGME: ") + what + ": " + gpgme_strerror(e));
}

// A GPGME context on `home`, binary output, or the error. Released by the caller's unique_ptr.
struct ctx_release
{
    void operator()(gpgme_ctx_t c) const { gpgme_release(c); }
};
using context = std::unique_ptr<gpgme_context, ctx_release>;

struct data_release
{
    void operator()(gpgme_data_t d) const { gpgme_data_release(d); }
};
using data = std::unique_ptr<gpgme_data, data_release>;

result<context> open_context(const std::string& home)
{
    static const bool initialised = [] {
        gpgme_check_version(nullptr);
        return true;
    }();
    (void)initialised;
    gpgme_ctx_t raw = nullptr;
    if (auto e = gpgme_new(&raw))
        return gpgme_failure("new context", e);
    context c(raw);
    if (auto e = gpgme_ctx_set_engine_info(c.get(), GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str()))
        return gpgme_failure("engine", e);
    gpgme_set_armor(c.get(), 0);
    gpgme_set_pinentry_mode(c.get(), GPGME_PINENTRY_MODE_LOOPBACK);  // never ask anyone
    return c;
}

result<data> empty_data()
{
    gpgme_data_t raw = nullptr;
    if (auto e = gpgme_data_new(&raw))
        return gpgme_failure("buffer", e);
    return data(raw);
}

std::string take(data d)
{
    std::size_t n = 0;
    char* mem = gpgme_data_release_and_get_mem(d.release(), &n);
    std::string out(mem ? mem : "", n);
    if (mem)
    {
        std::fill(mem, mem + n, '\0');  // may be a plaintext share
        gpgme_free(mem);
    }
    return out;
}

// gpgconf --homedir HOME --kill gpg-agent: the agent GPGME started for this homedir ends with it.
void stop_agent(const std::string& home)
{
    std::vector<std::string> args{"gpgconf", "--homedir", home, "--kill", "gpg-agent"};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (::posix_spawnp(&pid, "gpgconf", nullptr, nullptr, argv.data(), environ) != 0)
        return;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
}

constexpr std::string_view home_prefix = "vaultkeeper-pgp-";

// A daemon killed mid-procedure leaves its key's homedir (and agent) behind: removed when the next key is
// made, once the pid in its name ("vaultkeeper-pgp-<pid>.XXXXXX") runs no more and the directory is ours.
void sweep_stale_homes()
{
    std::error_code ec;
    for (auto it = fs::directory_iterator(fs::temp_directory_path(), ec);
         !ec && it != fs::directory_iterator(); it.increment(ec))
    {
        auto name = it->path().filename().string();
        if (!name.starts_with(home_prefix))
            continue;
        auto pid = static_cast<pid_t>(std::atol(name.c_str() + home_prefix.size()));
        struct stat st
        {
        };
        if (pid <= 0 || pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH ||
            ::stat(it->path().c_str(), &st) != 0 || st.st_uid != ::geteuid())
            continue;
        stop_agent(it->path().string());
        std::error_code rm;
        fs::remove_all(it->path(), rm);
    }
}

}  // namespace

result<std::unique_ptr<procedure_key>> procedure_key::generate()
{
    sweep_stale_homes();
    std::string tmpl =
        (fs::temp_directory_path() / (std::string(home_prefix) + std::to_string(::getpid()) + ".XXXXXX"))
            .string();
    if (!::mkdtemp(tmpl.data()))  // mode 0700
        return make_error(errc::internal, "no temporary GNUPGHOME for the keeper's OpenPGP key");
    std::unique_ptr<procedure_key> k(new procedure_key());
    k->home_ = tmpl;
    auto c = open_context(k->home_);
    if (!c)
        return c.error();
    if (auto e = gpgme_op_createkey(c->get(), "vaultkeeper procedure key", "future-default", 0, 0, nullptr,
                                    GPGME_CREATE_NOPASSWD | GPGME_CREATE_NOEXPIRE | GPGME_CREATE_FORCE))
        return gpgme_failure("generating a key", e);
    auto made = gpgme_op_genkey_result(c->get());
    if (!made || !made->fpr)
        return make_error(errc::internal, "GPGME: the generated key has no fingerprint");
    k->fingerprint_ = made->fpr;
    auto out = empty_data();
    if (!out)
        return out.error();
    if (auto e = gpgme_op_export(c->get(), k->fingerprint_.c_str(), 0, out->get()))
        return gpgme_failure("exporting the public key", e);
    k->public_key_ = take(std::move(*out));
    if (k->public_key_.empty())
        return make_error(errc::internal, "GPGME: the generated key exported empty");
    return k;
}

procedure_key::~procedure_key()
{
    if (home_.empty())
        return;
    stop_agent(home_);
    std::error_code ec;
    fs::remove_all(home_, ec);
}

result<secret> procedure_key::decrypt(std::string_view message) const
{
    auto c = open_context(home_);
    if (!c)
        return c.error();
    gpgme_data_t raw = nullptr;
    if (auto e = gpgme_data_new_from_mem(&raw, message.data(), message.size(), 1))
        return gpgme_failure("buffer", e);
    data in(raw);
    auto out = empty_data();
    if (!out)
        return out.error();
    if (auto e = gpgme_op_decrypt(c->get(), in.get(), out->get()))
        return make_error(errc::bad_response,
                          std::string("a share Vault encrypted to the keeper's key did not decrypt: ") +
                              gpgme_strerror(e));
    return secret(take(std::move(*out)));
}

}  // namespace vk::keeper
