// One emissary cycle's decisions, with no I/O: what a template's render result asks for (wait, write the
// bytes, or only compare them in a dry run) and what the write's or comparison's outcome makes of the
// template's status and metrics. emissary_core fetches, writes (off the io thread) and runs the command;
// these functions decide, and tests/unit/emissary/test_cycle.cpp steps them with plain values.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_CYCLE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_CYCLE_HPP

#include "emissary/model/render.hpp"

#include <string>
#include <string_view>

namespace vk::emissary {

// A template's state as status shows it.
enum class template_phase
{
    waiting,   // a value is missing: nothing written
    rendered,  // its bytes are on disk (or, in a dry run, compared)
    error,     // the render or the write failed
};
std::string_view to_string(template_phase p);

// What the shell does with a render.
enum class write_step
{
    none,     // waiting or a render error: nothing to write
    write,    // write the bytes atomically
    compare,  // dry run: compare them with the file, write nothing
};

struct render_decision
{
    template_phase phase = template_phase::waiting;
    write_step step = write_step::none;
    std::string error;         // "<label>:<first error>" for a render error (the shell redacts it)
    std::string_view outcome;  // the renders metric's label when the step is none: waiting | error
};
render_decision decide_render(const render_result& r, const std::string& label, bool dry_run);

// What came of the shell's write or comparison.
enum class write_result
{
    failed,
    unchanged,  // the bytes, mode and owner were already right
    written,    // (compare: the file differs from the render)
};

struct write_decision
{
    template_phase phase = template_phase::error;
    bool on_disk = false;       // the bytes are confirmed on disk now (last_render)
    bool changed = false;       // the file changed now (last_change; the command's window opens)
    bool would_change = false;  // dry run: the file differs
    std::string_view outcome;   // the renders metric's label: written | unchanged | dry_run | error
};
write_decision decide_write(write_result w);
write_decision decide_compare(write_result w);

// How the command's last run ended, as status and the command_runs metric name it.
enum class command_result
{
    none,     // it has not run
    ok,       // exit status 0
    failed,   // another exit status, or killed by a signal
    timeout,  // its process group was killed at command_timeout
    error,    // it could not be started
};
std::string_view to_string(command_result r);  // "" for none
// A finished run: its exit status and whether the deadline killed it.
command_result command_result_of(bool timed_out, int exit_status);

}  // namespace vk::emissary

#endif
