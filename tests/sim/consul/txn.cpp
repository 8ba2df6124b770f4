// /v1/txn KV operations: decoding, limits and all-or-nothing execution.
#include "txn.hpp"

#include <boost/json.hpp>

#include "common/http.hpp"
#include "common/util.hpp"
#include "json_fields.hpp"

namespace csim {

namespace json = boost::json;

namespace {

// Go's %q for plain keys (built by appending: GCC 12 warns falsely on "lit" + std::string).
std::string quoted(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
}

// Go's encoding/json message for a bad []byte field: the offset of the first offending byte.
std::string base64_error(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '+' || text[i] == '/'))
        ++i;
    return "illegal base64 data at input byte " + std::to_string(i);
}

// Decodes one {"KV":{...}} element; an error string on failure.
std::variant<txn_op, txn_rejection> parse_op(const json::value& element)
{
    auto reject = [](std::string why) { return txn_rejection{400, "Failed to parse body: " + why}; };
    if (!element.is_object())
        return reject("transaction operations must be objects");
    auto* kv = field(element.as_object(), "KV");
    if (!kv || !kv->is_object())
        return reject("consul-sim supports only KV transaction operations");
    auto& obj = kv->as_object();
    bool bad = false;
    txn_op op;
    op.verb = string_field(obj, "Verb", bad).value_or("");
    op.key = string_field(obj, "Key", bad).value_or("");
    op.session = string_field(obj, "Session", bad).value_or("");
    op.flags = uint_field(obj, "Flags", bad).value_or(0);
    op.index = uint_field(obj, "Index", bad).value_or(0);
    auto encoded = string_field(obj, "Value", bad).value_or("");
    if (bad)
        return reject("json: cannot unmarshal a KV field of the wrong type");
    auto decoded = simc::base64_decode(encoded);
    if (!decoded)
        return reject(base64_error(encoded));
    if (decoded->size() > max_value_size)
        return txn_rejection{413, "Value for key " + quoted(op.key) + " is too large (" +
                                      std::to_string(decoded->size()) + " > " +
                                      std::to_string(max_value_size) + " bytes)"};
    op.value = std::move(*decoded);
    return op;
}

}  // namespace

std::variant<std::vector<txn_op>, txn_rejection> parse_txn(std::string_view body)
{
    if (body.size() > max_txn_request)
        return txn_rejection{
            413, "Request body(" + std::to_string(body.size()) +
                     " bytes) too large, max size: " + std::to_string(max_txn_request) +
                     " bytes. See https://www.consul.io/docs/agent/config/config-files#txn_max_req_len."};
    boost::system::error_code ec;
    auto doc = json::parse(body, ec);
    if (ec || !doc.is_array())
        return txn_rejection{400, "Failed to parse body: " +
                                      (ec ? ec.message() : std::string("expected a JSON array"))};
    auto& arr = doc.as_array();
    if (arr.size() > max_txn_ops)
        return txn_rejection{413, "Transaction contains too many operations (" + std::to_string(arr.size()) +
                                      " > " + std::to_string(max_txn_ops) + ")"};
    std::vector<txn_op> ops;
    for (auto& element : arr)
    {
        auto parsed = parse_op(element);
        if (auto* rejection = std::get_if<txn_rejection>(&parsed))
            return *rejection;
        ops.push_back(std::move(std::get<txn_op>(parsed)));
    }
    return ops;
}

bool read_only(const std::vector<txn_op>& ops)
{
    for (auto& op : ops)
        if (op.verb != "get" && op.verb != "get-or-empty" && op.verb != "get-tree" &&
            op.verb != "check-index" && op.verb != "check-session" && op.verb != "check-not-exists")
            return false;
    return true;
}

namespace {

// Runs one op on the table (inside a transaction's undo log); returns an error message or "" and appends
// results.
std::string run_op(kv_store& kv, const session_store& sessions, std::uint64_t idx, const txn_op& op,
                   std::vector<txn_entry>& results)
{
    const auto key = quoted(op.key);
    auto result = [&](bool with_value) {
        if (auto* e = kv.get(op.key))
            results.push_back({*e, with_value});
    };
    if (op.verb == "set")
    {
        kv.set(idx, op.key, op.value, op.flags);
        result(false);
    }
    else if (op.verb == "cas")
    {
        if (!kv.cas(idx, op.key, op.value, op.flags, op.index))
            return "failed to set key " + key + ", index is stale";
        result(false);
    }
    else if (op.verb == "lock" || op.verb == "unlock")
    {
        if (op.session.empty())
            return "missing session";
        if (op.verb == "lock")
        {
            if (!sessions.find(op.session))
                return "invalid session " + quoted(op.session);
            if (!kv.lock(idx, op.key, op.value, op.flags, op.session))
                return "failed to lock key " + key + ", lock is already held";
        }
        else if (!kv.unlock(idx, op.key, op.value, op.flags, op.session))
        {
            return "failed to unlock key " + key + ", lock isn't held, or is held by another session";
        }
        result(false);
    }
    else if (op.verb == "get")
    {
        if (!kv.get(op.key))
            return "key " + key + " doesn't exist";
        result(true);
    }
    else if (op.verb == "get-or-empty")
    {
        if (kv.get(op.key))
            result(true);
        else
            // Consul echoes the op's own entry (flags, session, index) with a null value.
            results.push_back({dir_entry{op.key, "", op.flags, 0, op.session, 0, op.index}, true});
    }
    else if (op.verb == "get-tree")
    {
        for (auto* e : kv.list(op.key))
            results.push_back({*e, true});
    }
    else if (op.verb == "check-index")
    {
        auto* e = kv.get(op.key);
        if (!e)
            return "failed to check index, key " + key + " doesn't exist";
        if (e->modify_index != op.index)
            return "failed index check for key " + key + ", current modify index " +
                   std::to_string(e->modify_index) + " != " + std::to_string(op.index);
        result(false);
    }
    else if (op.verb == "check-session")
    {
        auto* e = kv.get(op.key);
        if (!e)
            return "failed to check session, key " + key + " doesn't exist";
        if (e->session != op.session)
            return "failed session check for key " + key + ", current session " + quoted(e->session) +
                   " != " + quoted(op.session);
        result(false);
    }
    else if (op.verb == "check-not-exists")
    {
        if (kv.get(op.key))
            return "key " + key + " exists";
    }
    else if (op.verb == "delete")
    {
        kv.del(idx, op.key);
    }
    else if (op.verb == "delete-tree")
    {
        kv.del_tree(idx, op.key);
    }
    else if (op.verb == "delete-cas")
    {
        if (!kv.del_cas(idx, op.key, op.index))
            return "failed to delete key " + key + ", index is stale";
    }
    else
    {
        return "unknown KV verb " + quoted(op.verb);
    }
    return {};
}

}  // namespace

txn_outcome run_txn(state& st, const std::vector<txn_op>& ops)
{
    txn_outcome out;
    bool writes = !read_only(ops);
    // Reads go through no raft apply; writes are one log entry for the whole transaction.
    std::uint64_t idx = writes ? st.next_index() : st.index;
    // All-or-nothing: what the ops change is undone unless every op succeeded (or when one throws).
    struct undo_unless_committed
    {
        kv_store& kv;
        bool committed = false;
        ~undo_unless_committed()
        {
            if (!committed)
                kv.rollback();
        }
    } guard{st.kv};
    st.kv.begin();
    for (std::size_t i = 0; i < ops.size(); ++i)
    {
        auto error = run_op(st.kv, st.sessions, idx, ops[i], out.results);
        if (!error.empty())
            out.errors.push_back({i, std::move(error)});
        else if (writes)
            out.touched.push_back(ops[i].key);
    }
    if (!out.errors.empty())
    {
        out.results.clear();
        out.touched.clear();
        return out;
    }
    st.kv.commit();
    guard.committed = true;
    return out;
}

}  // namespace csim
