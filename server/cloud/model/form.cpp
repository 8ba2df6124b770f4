#include "cloud/model/form.hpp"

#include "cloud/model/sigv4.hpp"

namespace vk::cloud {

void add_form_field(std::string& form, std::string_view name, std::string_view value)
{
    if (!form.empty())
        form += '&';
    form += sigv4::uri_encode(name, false);
    form += '=';
    form += sigv4::uri_encode(value, false);
}

}  // namespace vk::cloud
