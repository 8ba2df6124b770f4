// libFuzzer: the emissary template parser and renderer (templates are operator input, values are whatever the
// secret stores hold). Property: no crash, throw or sanitizer report; every parse error has a position inside
// the text (line from 1 to the number of lines, column from 1); a parsed template renders with no values
// (waiting, naming what is missing) and with every value present.
#include "emissary/model/render.hpp"
#include "emissary/model/template.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

const vk::emissary::delimiters choices[] = {{"{{", "}}"}, {"[[", "]]"}, {"<%", "%>"}, {"{", "}"}};

void check_position(std::string_view text, const vk::emissary::parse_error& e)
{
    std::size_t lines = 1;
    for (char c : text)
        lines += c == '\n' ? 1 : 0;
    if (e.where.line < 1 || e.where.line > lines || e.where.column < 1 || e.where.column > text.size() + 1 ||
        e.message.empty() || e.describe().find(":" + std::to_string(e.where.line) + ":") == std::string::npos)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const auto& delims = choices[data[0] % 4];
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto parsed = vk::emissary::parse_template(text, "fuzz.tmpl", delims);
    if (!parsed.ok())
    {
        check_position(text, *parsed.error);
        return 0;
    }
    vk::emissary::value_map values;
    auto waiting = vk::emissary::render(parsed.ast, values, {});
    if (!parsed.ast.dependencies().empty() && (waiting.complete() || waiting.missing.empty()))
        std::abort();
    for (const auto& d : parsed.ast.dependencies())
        values[d] = vk::emissary::fetched{true, boost::json::value(std::string(text.substr(0, 64)))};
    vk::emissary::env_lookup env = [](const std::string& n) { return std::optional<std::string>(n); };
    (void)vk::emissary::render(parsed.ast, values, env);
    return 0;
}
