// The emissary cycle's decisions (see cycle.hpp).
#include "emissary/model/cycle.hpp"

namespace vk::emissary {

std::string_view to_string(template_phase p)
{
    switch (p)
    {
    case template_phase::waiting: return "waiting";
    case template_phase::rendered: return "rendered";
    case template_phase::error: return "error";
    }
    return "error";
}

render_decision decide_render(const render_result& r, const std::string& label, bool dry_run)
{
    if (!r.errors.empty())
        return {template_phase::error, write_step::none, label + ":" + r.errors.front(), "error"};
    if (!r.complete())
        return {template_phase::waiting, write_step::none, "", "waiting"};
    return {template_phase::rendered, dry_run ? write_step::compare : write_step::write, "", ""};
}

write_decision decide_write(write_result w)
{
    switch (w)
    {
    case write_result::failed: return {template_phase::error, false, false, false, "error"};
    case write_result::unchanged: return {template_phase::rendered, true, false, false, "unchanged"};
    case write_result::written: return {template_phase::rendered, true, true, false, "written"};
    }
    return {};
}

write_decision decide_compare(write_result w)
{
    // A dry run confirms and changes nothing on disk; a file that cannot be compared is an error.
    if (w == write_result::failed)
        return {template_phase::error, false, false, false, "dry_run"};
    return {template_phase::rendered, false, false, w == write_result::written, "dry_run"};
}

std::string_view to_string(command_result r)
{
    switch (r)
    {
    case command_result::none: return "";
    case command_result::ok: return "ok";
    case command_result::failed: return "failed";
    case command_result::timeout: return "timeout";
    case command_result::error: return "error";
    }
    return "error";
}

command_result command_result_of(bool timed_out, int exit_status)
{
    if (timed_out)
        return command_result::timeout;
    return exit_status == 0 ? command_result::ok : command_result::failed;
}

}  // namespace vk::emissary
