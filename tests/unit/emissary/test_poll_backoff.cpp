// When a polled value is read again: exponential backoff with jitter while the answers make no progress,
// reset when one does; verdicts of a render (missing field, absent value, template error, usable).
#include "emissary/model/poll_backoff.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

using namespace std::chrono_literals;

TEST(emissary_poll_backoff, the_same_answer_again_doubles_the_delay_up_to_max)
{
    const backoff_policy p{1000ms, 60000ms};
    poll_backoff b;
    std::vector<milliseconds> delays;
    for (int i = 0; i < 9; ++i)
    {
        b.answered(i == 0);  // the first answer, then the same one again
        delays.push_back(b.trouble(fetch_class::missing, p, 1.0));
    }
    EXPECT_EQ(delays, (std::vector<milliseconds>{1000ms, 2000ms, 4000ms, 8000ms, 16000ms, 32000ms, 60000ms,
                                                 60000ms, 60000ms}));
    // With the defaults, 30 s of an unchanged missing field are at most 6 reads, not 40.
    poll_backoff low;
    milliseconds spent{0};
    int reads = 0;
    for (; spent < 30000ms; ++reads)
    {
        low.answered(reads == 0);
        spent += low.trouble(fetch_class::missing, p, 0.0);  // the shortest jitter
    }
    EXPECT_LE(reads, 6);
}

TEST(emissary_poll_backoff, progress_starts_over_and_usable_resets)
{
    const backoff_policy p{100ms, 1000ms};
    poll_backoff b;
    b.trouble(fetch_class::transient, p, 1.0);
    b.trouble(fetch_class::transient, p, 1.0);
    EXPECT_EQ(b.trouble(fetch_class::transient, p, 1.0), 400ms);  // failed fetches: no answer, no progress
    b.answered(false);
    EXPECT_EQ(b.trouble(fetch_class::missing, p, 1.0), 800ms);  // the same answer again
    b.answered(true);
    EXPECT_EQ(b.trouble(fetch_class::missing, p, 1.0), 100ms);  // a different answer
    EXPECT_EQ(b.attempts(), 1u);
    b.usable();
    EXPECT_EQ(b.trouble(fetch_class::missing, p, 1.0), 100ms);
    EXPECT_EQ(b.trouble(fetch_class::permanent, p, 0.0), 1000ms);  // permanent: the slow pace
}

TEST(emissary_poll_backoff, progress_counts_even_when_more_answers_come_before_the_verdict)
{
    const backoff_policy p{100ms, 1000ms};
    poll_backoff b;
    for (int i = 0; i < 4; ++i)
        b.trouble(fetch_class::missing, p, 1.0);
    b.answered(true);   // a new value, whose cycle was cancelled before the renders judged it
    b.answered(false);  // read again: the same as the one just before
    EXPECT_EQ(b.trouble(fetch_class::missing, p, 1.0), 100ms);
}

TEST(emissary_poll_backoff, jitter_stays_between_half_and_the_whole_step)
{
    const backoff_policy p{1000ms, 8000ms};
    for (double r : {0.0, 0.3, 0.999})
    {
        poll_backoff b;
        b.trouble(fetch_class::missing, p, r);
        auto d = b.trouble(fetch_class::missing, p, r);
        EXPECT_GE(d, 1000ms);
        EXPECT_LE(d, 2000ms);
    }
}

template_ast poll_parse_ok(std::string_view text)
{
    auto p = parse_template(text, "t", {});
    EXPECT_TRUE(p.ok());
    return p.ast;
}

fetched object(std::string_view json_text)
{
    return fetched{true, boost::json::parse(json_text)};
}

TEST(emissary_poll_backoff, judge_names_the_values_a_render_could_not_use)
{
    const dependency db{"v", "secret/db"}, host{"kv", "host"}, cert{"kv", "cert"};
    auto ast = poll_parse_ok(R"({{ secret "v" "secret/db" "pw" }}@{{ secret "kv" "host" }})");
    value_map values{{db, object(R"({"user": "u"})")}, {host, fetched{true, "h"}}};
    std::map<dependency, verdict> v;
    judge(ast, render(ast, values, {}), values, v);
    EXPECT_EQ(v.at(db), verdict(fetch_class::missing));  // the secret exists, its field does not
    EXPECT_EQ(v.at(host), verdict());

    values[host] = fetched{};  // absent
    values[db] = object(R"({"pw": "p"})");
    v.clear();
    judge(ast, render(ast, values, {}), values, v);
    EXPECT_EQ(v.at(db), verdict());
    EXPECT_EQ(v.at(host), verdict(fetch_class::missing));

    // A template that fails: every value it reads is retried; the worst verdict wins across templates.
    auto bad = poll_parse_ok(R"({{ secret "kv" "cert" | base64decode }}{{ secret "kv" "host" }})");
    values = {{cert, fetched{true, "not*base64"}}, {host, fetched{true, "h"}}};
    v.clear();
    judge(ast, render(ast, values, {}), values, v);
    judge(bad, render(bad, values, {}), values, v);
    EXPECT_EQ(v.at(cert), verdict(fetch_class::transient));
    EXPECT_EQ(v.at(host), verdict(fetch_class::transient));
    EXPECT_EQ(v.at(db), verdict(fetch_class::missing));  // not fetched yet
}

TEST(emissary_poll_backoff, an_absent_value_with_a_default_is_still_polled_as_missing)
{
    const dependency d{"kv", "opt"};
    auto ast = poll_parse_ok(R"({{ secretOr "kv" "opt" "f" "fallback" }})");
    value_map values{{d, fetched{}}};
    auto r = render(ast, values, {});
    EXPECT_TRUE(r.complete());
    std::map<dependency, verdict> v;
    judge(ast, r, values, v);
    EXPECT_EQ(v.at(d), verdict(fetch_class::missing));
}

}  // namespace
}  // namespace vk::emissary
