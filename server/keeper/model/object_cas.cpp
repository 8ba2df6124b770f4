// The header choices and error reading behind the object stores' compare-and-swap (object_cas.hpp).
#include "keeper/model/object_cas.hpp"

namespace vk::keeper {

header_list write_precondition(object_service s, const std::optional<std::string>& expected_version)
{
    if (!expected_version)
        return {};
    if (s == object_service::gcs)
        return {{"x-goog-if-generation-match", expected_version->empty() ? "0" : *expected_version}};
    if (expected_version->empty())
        return {{"If-None-Match", "*"}};
    return {{"If-Match", *expected_version}};
}

std::string_view version_header(object_service s)
{
    return s == object_service::gcs ? "x-goog-generation" : "ETag";
}

bool transient_conflict(object_service s, const error& e)
{
    return s == object_service::s3 && e.status == 409 &&
           e.message.find("ConditionalRequestConflict") != std::string::npos;
}

std::string ignores_conditions_message(const std::string& store)
{
    return "store " + store +
           " ignores conditional writes: it cannot hold the state record (a second If-None-Match write of "
           "one object succeeded; give \"cas\": false to keep only shards there)";
}

}  // namespace vk::keeper
