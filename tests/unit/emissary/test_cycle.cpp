// emissary/model/cycle: what a render asks the shell to do, and what a write's or a dry run's outcome makes
// of the template's status, stepped with plain values.
#include "emissary/model/cycle.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vk::emissary;

render_result complete_render(std::string text)
{
    render_result r;
    r.text = std::move(text);
    return r;
}

TEST(emissary_cycle, a_missing_value_waits_and_writes_nothing)
{
    render_result r;
    r.missing = {"kv:app/port"};
    auto d = decide_render(r, "app.tmpl", false);
    EXPECT_EQ(d.phase, template_phase::waiting);
    EXPECT_EQ(d.step, write_step::none);
    EXPECT_EQ(d.outcome, "waiting");
    EXPECT_EQ(d.error, "");
}

TEST(emissary_cycle, a_render_error_names_the_template_and_its_first_error)
{
    render_result r;
    r.errors = {"2:5: base64decode: not valid base64 (kv app/key)", "3:1: later"};
    auto d = decide_render(r, "app.tmpl", false);
    EXPECT_EQ(d.phase, template_phase::error);
    EXPECT_EQ(d.step, write_step::none);
    EXPECT_EQ(d.error, "app.tmpl:2:5: base64decode: not valid base64 (kv app/key)");
    EXPECT_EQ(d.outcome, "error");
}

TEST(emissary_cycle, a_complete_render_is_written_or_in_a_dry_run_only_compared)
{
    EXPECT_EQ(decide_render(complete_render("port=1\n"), "t", false).step, write_step::write);
    EXPECT_EQ(decide_render(complete_render("port=1\n"), "t", true).step, write_step::compare);
}

TEST(emissary_cycle, a_write_confirms_the_bytes_and_only_a_real_change_opens_the_command_window)
{
    auto written = decide_write(write_result::written);
    EXPECT_EQ(written.phase, template_phase::rendered);
    EXPECT_TRUE(written.on_disk && written.changed);
    EXPECT_EQ(written.outcome, "written");
    auto same = decide_write(write_result::unchanged);
    EXPECT_TRUE(same.on_disk);
    EXPECT_FALSE(same.changed);
    EXPECT_EQ(same.outcome, "unchanged");
    auto failed = decide_write(write_result::failed);
    EXPECT_EQ(failed.phase, template_phase::error);
    EXPECT_FALSE(failed.on_disk || failed.changed);
    EXPECT_EQ(failed.outcome, "error");
}

TEST(emissary_cycle, a_dry_run_touches_nothing_and_says_whether_the_file_would_change)
{
    auto differs = decide_compare(write_result::written);
    EXPECT_EQ(differs.phase, template_phase::rendered);
    EXPECT_TRUE(differs.would_change);
    EXPECT_FALSE(differs.on_disk || differs.changed);
    EXPECT_EQ(differs.outcome, "dry_run");
    EXPECT_FALSE(decide_compare(write_result::unchanged).would_change);
    auto unreadable = decide_compare(write_result::failed);
    EXPECT_EQ(unreadable.phase, template_phase::error);
    EXPECT_EQ(unreadable.outcome, "dry_run");
}

TEST(emissary_cycle, status_names_of_the_phases)
{
    EXPECT_EQ(to_string(template_phase::waiting), "waiting");
    EXPECT_EQ(to_string(template_phase::rendered), "rendered");
    EXPECT_EQ(to_string(template_phase::error), "error");
}

TEST(emissary_cycle, a_finished_command_is_ok_failed_or_timed_out)
{
    EXPECT_EQ(command_result_of(false, 0), command_result::ok);
    EXPECT_EQ(command_result_of(false, 3), command_result::failed);
    EXPECT_EQ(command_result_of(false, -1), command_result::failed);  // killed by a signal
    EXPECT_EQ(command_result_of(true, 0), command_result::timeout);   // the deadline wins over the status
    EXPECT_EQ(to_string(command_result::none), "");
    EXPECT_EQ(to_string(command_result::timeout), "timeout");
    EXPECT_EQ(to_string(command_result::error), "error");
}

}  // namespace
