#include "keeper/model/object_name.hpp"

namespace vk::keeper {

namespace {

bool alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool valid_object_name(std::string_view name) noexcept
{
    if (name.empty() || name.size() > 200 || !alnum(name.front()) || !alnum(name.back()))
        return false;
    for (char c : name)
        if (!alnum(c) && c != '.' && c != '-')
            return false;
    return true;
}

}  // namespace vk::keeper
