// The template parser's first two steps: the scanner splits the text into literal text and actions (trim
// markers, comments, delimiters), and the lexer cuts one action into tokens. Positions are byte offsets in
// the whole text; position_of turns one into line:column. Internal to template_parse.cpp.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_TEMPLATE_SCAN_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_TEMPLATE_SCAN_HPP

#include "emissary/model/template.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::emissary::scan {

struct failure
{
    position where;
    std::string message;
};

position position_of(std::string_view text, std::size_t offset);

// line:column of many offsets in one text: the line starts found once, then a binary search each.
class locator
{
public:
    explicit locator(std::string_view text);
    position at(std::size_t offset) const;

private:
    std::vector<std::size_t> line_starts_;
};

enum class token_kind
{
    word,      // a function or keyword
    string,    // its decoded value
    number,    // digits
    pipe,      // |
    field,     // . or .A.B: text is "" or "A.B"
    variable,  // $ or $x or $x.A.B: text is "", "x" or "x.A.B"
    declare,   // :=
    comma,
    open,   // (
    close,  // )
};

struct token
{
    token_kind kind;
    std::string text;
    std::size_t offset;  // in the whole template
};

// One piece of the template: literal text, or an action's tokens (end = the offset just past its body).
struct piece
{
    bool is_text = false;
    std::string text;
    std::vector<token> tokens;
    std::size_t start = 0;  // the action's left delimiter
    std::size_t end = 0;
};

// The whole text as pieces (comments dropped, trim markers applied), or the first error.
std::optional<failure> scan_all(std::string_view text, const delimiters& d, std::vector<piece>& out);

}  // namespace vk::emissary::scan

#endif
