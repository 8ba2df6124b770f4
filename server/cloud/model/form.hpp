// application/x-www-form-urlencoded bodies of token requests (STS, the Microsoft identity platform).
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_FORM_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_FORM_HPP

#include <string>
#include <string_view>

namespace vk::cloud {

// Appends "name=value" to `form` ('&' between fields), both percent-encoded as SigV4 encodes query values
// (unreserved characters kept, everything else %XX).
void add_form_field(std::string& form, std::string_view name, std::string_view value);

}  // namespace vk::cloud

#endif
