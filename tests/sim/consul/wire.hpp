// Consul's JSON encodings written by hand, in Go's field order and with Go's string escaping
// (encoding/json escapes <, >, & and U+2028/U+2029).
#ifndef VAULTKEEPER_TESTS_SIM_CONSUL_WIRE_HPP
#define VAULTKEEPER_TESTS_SIM_CONSUL_WIRE_HPP

#include <map>
#include <string>
#include <string_view>

#include "kv_store.hpp"
#include "sessions.hpp"

namespace csim {

void append_json_string(std::string& out, std::string_view s);
// structs.DirEntry: {"LockIndex","Key","Flags","Value"(base64|null),"Session"(omitted if
// ""),"CreateIndex","ModifyIndex"}
void append_entry(std::string& out, const dir_entry& e, bool with_value = true);
// structs.Session as /v1/session/* return it.
void append_session(std::string& out, const session& s);
// url.Values.Encode(): sorted keys, QueryEscape'd, for "Conflicting flags: ..." messages.
std::string encode_query(const std::map<std::string, std::string, std::less<>>& query);

}  // namespace csim

#endif
