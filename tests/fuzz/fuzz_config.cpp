// libFuzzer: the config reader on arbitrary text. Property: a config or a list of problems, each with a JSON
// pointer ("" or starting with '/'); never a throw, a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    static const vk::kind_parsers kinds = {
        {"demo", [](vk::object_reader& r, const vk::config&) -> std::shared_ptr<const vk::job_settings> {
             (void)r.string("vault");
             (void)r.dur("wait");
             (void)r.secret_value("key");
             r.finish();
             return std::make_shared<vk::job_settings>();
         }}};
    auto cfg = vk::parse_config(text, "fuzz.json", kinds);
    if (!cfg)
        for (const auto& p : cfg.error().problems)
            if (!p.pointer.empty() && p.pointer.front() != '/')
                std::abort();
    return 0;
}
