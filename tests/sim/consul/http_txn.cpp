// PUT /v1/txn: KV transactions, 200 with Results or 409 with Errors.
#include "consul_sim.hpp"
#include "txn.hpp"
#include "wire.hpp"

namespace csim {

namespace {

simc::response txn_json(unsigned status, std::string body)
{
    simc::response res;
    res.status = status;
    res.body = std::move(body);
    res.set("Content-Type", "application/json");
    return res;
}

std::string errors_json(const std::vector<txn_error>& errors)
{
    std::string body = "{\"Results\":null,\"Errors\":[";
    for (std::size_t i = 0; i < errors.size(); ++i)
    {
        if (i)
            body += ',';
        body += "{\"OpIndex\":" + std::to_string(errors[i].op_index) + ",\"What\":";
        append_json_string(body, errors[i].what);
        body += '}';
    }
    return body + "]}";
}

std::string results_json(const std::vector<txn_entry>& results)
{
    std::string body = "{\"Results\":[";
    for (std::size_t i = 0; i < results.size(); ++i)
    {
        if (i)
            body += ',';
        body += "{\"KV\":";
        append_entry(body, results[i].entry, results[i].with_value);
        body += '}';
    }
    return body + "],\"Errors\":null}";
}

}  // namespace

simc::response sim::txn(request& req)
{
    auto parsed = parse_txn(req.body);
    if (auto* rejected = std::get_if<txn_rejection>(&parsed))
        return simc::text_response(rejected->status, rejected->message);
    auto& ops = std::get<std::vector<txn_op>>(parsed);
    // ACL denials are per-op errors, so the whole transaction rolls back with 409.
    if (!list_allowed(req))
    {
        std::vector<txn_error> denied;
        for (std::size_t i = 0; i < ops.size(); ++i)
            denied.push_back({i, token_of(req).empty() ? "Permission denied" : "ACL not found"});
        return txn_json(409, errors_json(denied));
    }
    bool reads_only = read_only(ops);
    auto outcome = run_txn(state_, ops);
    if (!outcome.errors.empty())
        return txn_json(409, errors_json(outcome.errors));
    for (auto& key : outcome.touched)
        kv_watch_.notify(key, true);
    auto res = txn_json(200, results_json(outcome.results));
    // Read-only transactions are served like reads: leader meta but no index.
    if (reads_only)
    {
        res.set("X-Consul-Knownleader", "true");
        res.set("X-Consul-Lastcontact", "0");
    }
    return res;
}

}  // namespace csim
