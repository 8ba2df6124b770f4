// Reusing or issuing a pkiCert certificate (see pki.hpp).
#include "emissary/pki.hpp"

#include "async/blocking.hpp"
#include "core/log.hpp"
#include "core/read_file.hpp"
#include "core/time.hpp"
#include "emissary/model/cert_schedule.hpp"
#include "emissary/model/pki_request.hpp"
#include "vault/errors.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace vk::emissary {
namespace asio = boost::asio;
namespace {

struct destinations
{
    std::vector<std::string> paths;
    bool need_ca = false;
};

destinations destinations_of(const dependency& d, const std::vector<template_config>& templates)
{
    destinations out;
    auto reads = [&](const template_ast& ast) {
        return std::any_of(ast.calls.begin(), ast.calls.end(),
                           [&](const call_site& c) { return c.dep == d; });
    };
    for (const auto& t : templates)
        if (reads(t.ast))
        {
            out.paths.push_back(t.destination);
            out.need_ca = out.need_ca || uses_field(t.ast, "CA");
        }
    return out;
}

// What the destination files hold, read on the blocking pool (a missing file is simply not there).
asio::awaitable<std::optional<cert_bundle>>
found_at_destinations(const dependency& d, const std::vector<template_config>& templates)
{
    std::optional<cert_bundle> found;
    co_await run_blocking([&] {
        const destinations where = destinations_of(d, templates);
        std::vector<std::string> texts;
        for (const auto& p : where.paths)
            if (auto text = read_file(p))
                texts.push_back(std::move(*text));
        found = find_bundle(texts, common_name_of(d), where.need_ca);
    });
    co_return found;
}

// The request and the validity, never the certificate or its key.
void said(std::string_view what, const dependency& d, const cert_bundle& b)
{
    log::info(what, {{"source", d.source},
                     {"path", d.path},
                     {"common_name", common_name_of(d)},
                     {"not_after", format_rfc3339(b.validity.not_after)}});
}

asio::awaitable<result<fetched>> issue(source_clients& s, const dependency& d)
{
    if (!s.vault)
        co_return make_error(errc::invalid_argument, "pkiCert needs a vault source", {}, d.path);
    if (auto t = co_await ensure_started(s); !t)
        co_return t.error();
    vault::call req;
    req.method = "POST";
    req.path = vault::encode_path(d.path);
    req.body = boost::json::serialize(issue_body(d));
    auto r = co_await s.vault->perform(req);
    if (!r)
        co_return r.error();
    auto b = bundle_from_issue(r->body);
    if (!b)
        co_return s.vault->located(b.error(), req.path);
    said("pkiCert: certificate issued", d, *b);
    co_return fetched{true, cert_value(*b)};
}

}  // namespace

asio::awaitable<result<fetched>> fetch_dependency(source_clients& s, const dependency& d,
                                                  const std::vector<template_config>& templates)
{
    if (d.kind != dep_kind::pki)
        co_return co_await fetch(s, d);
    auto found = co_await found_at_destinations(d, templates);
    if (found && reusable(found->validity, std::chrono::system_clock::now()))
    {
        said("pkiCert: reusing the certificate found at its destination", d, *found);
        co_return fetched{true, cert_value(*found)};
    }
    co_return co_await issue(s, d);
}

clock_time pki_next_poll(const fetched& f, double draw01)
{
    const auto wall_now = std::chrono::system_clock::now();
    const auto steady_now = std::chrono::steady_clock::now();
    const auto* cert = f.value.is_object() ? f.value.as_object().if_contains("Cert") : nullptr;
    if (!cert || !cert->is_string())
        return steady_now + min_reissue_delay;
    auto validity = certificate_validity(cert->as_string());
    if (!validity)
        return steady_now + min_reissue_delay;  // never: what is recorded was parsed when it arrived
    return reissue_poll(*validity, wall_now, steady_now, draw01);
}

}  // namespace vk::emissary
