// Consul transaction body building and answer decoding.
#include "consul/model/txn.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace vk::consul {
namespace json = boost::json;

std::string_view to_string(kv_verb v) noexcept
{
    switch (v)
    {
    case kv_verb::set: return "set";
    case kv_verb::cas: return "cas";
    case kv_verb::lock: return "lock";
    case kv_verb::unlock: return "unlock";
    case kv_verb::get: return "get";
    case kv_verb::get_or_empty: return "get-or-empty";
    case kv_verb::get_tree: return "get-tree";
    case kv_verb::check_index: return "check-index";
    case kv_verb::check_session: return "check-session";
    case kv_verb::check_not_exists: return "check-not-exists";
    case kv_verb::remove: return "delete";
    case kv_verb::remove_tree: return "delete-tree";
    case kv_verb::remove_cas: return "delete-cas";
    }
    return "get";
}

result<std::string> build_txn_body(const std::vector<txn_op>& ops, std::size_t max_ops)
{
    if (ops.empty())
        return make_error(errc::invalid_argument, "a transaction needs at least one operation");
    if (ops.size() > max_ops)
        return make_error(errc::invalid_argument, "a transaction holds at most " + std::to_string(max_ops) +
                                                      " operations, got " + std::to_string(ops.size()));
    json::array arr;
    for (const auto& op : ops)
    {
        if (op.value.size() > max_value_size)
            return make_error(errc::too_large,
                              "value of key \"" + op.key + "\" is " + std::to_string(op.value.size()) +
                                  " bytes, over Consul's limit of " + std::to_string(max_value_size));
        json::object kv{{"Verb", to_string(op.verb)}, {"Key", op.key}};
        if (!op.value.empty())
            kv["Value"] = base64_encode(op.value);
        if (op.flags)
            kv["Flags"] = op.flags;
        if (op.index)
            kv["Index"] = op.index;
        if (!op.session.empty())
            kv["Session"] = op.session;
        arr.push_back(json::object{{"KV", std::move(kv)}});
    }
    return json::serialize(arr);
}

namespace {

error malformed_txn(std::string_view what)
{
    return make_error(errc::bad_response, "unexpected Consul txn answer: " + std::string(what));
}

result<std::vector<kv_entry>> decode_results(const json::value& v)
{
    std::vector<kv_entry> out;
    if (v.is_null())
        return out;
    if (!v.is_array())
        return malformed_txn("Results is not an array");
    // Reuse the entry decoder: each result is {"KV": entry}.
    json::array entries;
    for (const auto& r : v.as_array())
    {
        const auto* kv = r.is_object() ? r.as_object().if_contains("KV") : nullptr;
        if (!kv || !kv->is_object())
            return malformed_txn("a result has no KV entry");
        entries.push_back(*kv);
    }
    return decode_entries(json::serialize(entries));
}

result<std::vector<txn_op_error>> decode_errors(const json::value& v)
{
    std::vector<txn_op_error> out;
    if (v.is_null())
        return out;
    if (!v.is_array())
        return malformed_txn("Errors is not an array");
    for (const auto& e : v.as_array())
    {
        if (!e.is_object())
            return malformed_txn("an error is not an object");
        const auto& o = e.as_object();
        // Untrusted: a negative, fractional or huge OpIndex is a decode error, never a throw.
        auto idx = decode_u64(o, "OpIndex");
        if (!idx)
            return idx.error();
        const auto* what = o.if_contains("What");
        out.push_back({static_cast<std::size_t>(*idx),
                       what && what->is_string() ? std::string(what->as_string()) : std::string()});
    }
    return out;
}

}  // namespace

result<txn_result> decode_txn(unsigned status, std::string_view body)
{
    if (status != 200 && status != 409)
        return malformed_txn("status " + std::to_string(status));
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return malformed_txn("not a JSON object");
    const auto& o = v.as_object();
    static const json::value null_value;
    const auto* res = o.if_contains("Results");
    const auto* errs = o.if_contains("Errors");
    auto results = decode_results(res ? *res : null_value);
    if (!results)
        return results.error();
    auto errors = decode_errors(errs ? *errs : null_value);
    if (!errors)
        return errors.error();
    // A 409 without listed errors would be a rollback we cannot explain: treat it as malformed.
    if (status == 409 && errors->empty())
        return malformed_txn("409 without errors");
    return txn_result{status == 200, std::move(*results), std::move(*errors)};
}

}  // namespace vk::consul
