// k8s-sim's persistence: each table as one JSON file (revision + objects as the API returns them),
// secrets.json and leases.json, written to a temporary file and renamed, so a crash leaves the old or the new
// state, never a torn one.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_PERSIST_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_PERSIST_HPP

#include "lease_store.hpp"
#include "secret_store.hpp"

#include <string>

namespace ksim {

// Serialises a table; restore_state() reads it back. Pure.
std::string dump_state(const secret_store& store);
std::string dump_state(const lease_store& store);
// false (and error) when the text is not a state this sim wrote.
bool restore_state(const std::string& text, secret_store& store, std::string& error);
bool restore_state(const std::string& text, lease_store& store, std::string& error);

// The table's file in dir ("secrets.json", "leases.json").
std::string state_file_name(const secret_store&);
std::string state_file_name(const lease_store&);

// dir/<state_file_name>. save: false on an I/O error. load: true and nothing changed when the file is absent;
// false with error ("<path>: <why>") when it cannot be read back.
template <class Store> bool save_state_file(const std::string& dir, const Store& store);
template <class Store> bool load_state_file(const std::string& dir, Store& store, std::string& error);

}  // namespace ksim

#endif
