// k8s-sim's persistence: the whole table as one JSON file (revision + Secrets as the API returns them),
// written to a temporary file and renamed, so a crash leaves the old or the new state, never a torn one.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_PERSIST_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_PERSIST_HPP

#include "secret_store.hpp"

#include <string>

namespace ksim {

// Serialises the table; restore_state() reads it back. Pure.
std::string dump_state(const secret_store& store);
// false (and error) when the text is not a state this sim wrote.
bool restore_state(const std::string& text, secret_store& store, std::string& error);

// dir/secrets.json. save: false on an I/O error. load: true and nothing changed when the file is absent.
bool save_state_file(const std::string& dir, const secret_store& store);
bool load_state_file(const std::string& dir, secret_store& store, std::string& error);

}  // namespace ksim

#endif
