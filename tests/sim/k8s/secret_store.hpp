// k8s-sim's core/v1 Secret: the object, its validation, and its table (object_store, see object_store.hpp).
// Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_SECRET_STORE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_SECRET_STORE_HPP

#include "object_store.hpp"
#include "status.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace ksim {

struct secret : object_meta
{
    std::string type = "Opaque";
    std::map<std::string, std::string> data;  // decoded bytes
};

const resource_kind& resource_of(const secret*);
// Validation of a Secret as the API server's ValidateSecret does it (name, data keys, total size); nullopt =
// ok.
std::optional<status> validate(const secret& s);
// A changed type is 422 Invalid (the field is immutable).
std::optional<status> validate_update(const secret& next, const secret& current);
bool same_content(const secret& a, const secret& b);

using secret_store = object_store<secret>;

}  // namespace ksim

#endif
