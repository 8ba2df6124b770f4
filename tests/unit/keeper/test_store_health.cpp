// Store health: the record chosen among the stores that open (any store, the first included), what an
// unusable store forbids (a new set's placement, a start with nothing held), the seq skip while one is
// unusable, the alert-once bookkeeping, and the procedure waiting instead of creating a set it cannot place.
#include "keeper/model/procedure.hpp"
#include "keeper/model/store_health.hpp"

#include <gtest/gtest.h>

using namespace vk::keeper;

namespace {

std::string record_text(std::uint64_t seq, std::string current = "set-1")
{
    procedure_record r;
    r.seq = seq;
    r.current = shard_set{std::move(current), 5, 3, {"a", "b", "c", "a", "b"}};
    r.next_set = 2;
    return to_json(r);
}

store_reading opens(std::string store, std::optional<std::string> record)
{
    return {std::move(store), "", std::move(record)};
}

store_reading broken(std::string store,
                     std::string why = "object keeper-state does not open: authentication failed")
{
    return {std::move(store), std::move(why), std::nullopt};
}

std::vector<store_health> three(std::optional<std::string> unusable = std::nullopt)
{
    std::vector<store_health> out;
    for (std::string s : {"a", "b", "c"})
        out.push_back({s, s != unusable, s == unusable ? "object keeper-state does not open" : ""});
    return out;
}

}  // namespace

TEST(keeper_store_health, the_highest_seq_among_the_copies_that_open_wins_whichever_store_breaks)
{
    for (int bad = 0; bad < 3; ++bad)
    {
        std::vector<store_reading> readings;
        for (int i = 0; i < 3; ++i)
        {
            std::string name(1, static_cast<char>('a' + i));
            readings.push_back(i == bad ? broken(name)
                                        : opens(name, record_text(10 + static_cast<unsigned>(i))));
        }
        auto c = choose_record(readings);
        ASSERT_EQ(c.unknown, "") << "bad store " << bad;
        int best = bad == 2 ? 1 : 2;
        EXPECT_EQ(c.record.seq, 10u + static_cast<unsigned>(best));
        EXPECT_EQ(c.from, std::string(1, static_cast<char>('a' + best)));
        ASSERT_EQ(c.health.size(), 3u);
        for (int i = 0; i < 3; ++i)
            EXPECT_EQ(c.health[static_cast<std::size_t>(i)].usable, i != bad);
        EXPECT_EQ(c.health[static_cast<std::size_t>(bad)].reason,
                  "object keeper-state does not open: authentication failed");
    }
}

TEST(keeper_store_health, a_copy_that_does_not_parse_makes_its_store_unusable)
{
    auto c = choose_record({opens("a", "{not json"), opens("b", record_text(3)), opens("c", std::nullopt)});
    ASSERT_EQ(c.unknown, "");
    EXPECT_EQ(c.record.seq, 3u);
    EXPECT_EQ(c.from, "b");
    EXPECT_FALSE(c.health[0].usable);
    EXPECT_NE(c.health[0].reason.find("keeper-state does not parse"), std::string::npos);
    EXPECT_TRUE(c.health[1].usable);
    EXPECT_TRUE(c.health[2].usable);  // no copy yet: usable, the mirror fills it
}

TEST(keeper_store_health, no_copy_that_opens_is_an_empty_record_only_when_every_store_is_usable)
{
    auto fresh = choose_record({opens("a", std::nullopt), opens("b", std::nullopt)});
    EXPECT_EQ(fresh.unknown, "");
    EXPECT_EQ(fresh.record, procedure_record{});
    EXPECT_EQ(fresh.from, "");
    // The unusable store may hold the only record: never act on an empty one (it would initialise over it).
    auto unknown = choose_record({broken("a"), opens("b", std::nullopt), opens("c", "{not json")});
    EXPECT_NE(unknown.unknown.find("store a (object keeper-state does not open"), std::string::npos);
    EXPECT_NE(unknown.unknown.find("store c (keeper-state does not parse"), std::string::npos);
    ASSERT_EQ(unknown.health.size(), 3u);
    EXPECT_TRUE(unknown.health[1].usable);
    EXPECT_FALSE(unknown.health[2].usable);
}

TEST(keeper_store_health, equal_seqs_keep_the_earlier_store)
{
    auto c = choose_record({opens("a", record_text(5, "set-1")), opens("b", record_text(5, "set-9"))});
    EXPECT_EQ(c.from, "a");
    EXPECT_EQ(c.record.current->id, "set-1");
}

TEST(keeper_store_health, a_write_skips_one_seq_while_a_store_is_unusable)
{
    EXPECT_EQ(next_seq(7, three()), 8u);
    EXPECT_EQ(next_seq(7, three("a")), 9u);  // a's unread copy may be 8: ours must outrank it
}

TEST(keeper_store_health, reasons_drop_the_store_prefix_and_keep_the_path)
{
    auto e = vk::make_error(vk::errc::io_error, "store b: open directory: Not a directory");
    e.path = "/x/b";
    EXPECT_EQ(store_reason("b", e), "open directory: Not a directory (/x/b)");
    EXPECT_EQ(store_reason("c", vk::make_error(vk::errc::bad_response, "store b: x")), "store b: x");
}

TEST(keeper_store_health, a_new_set_goes_to_the_usable_stores_or_is_refused_naming_the_unusable)
{
    auto all = placement_over_usable(5, 3, three());
    ASSERT_TRUE(all);
    EXPECT_EQ(*all, (std::vector<std::string>{"a", "b", "c", "a", "b"}));
    // two stores left for 5/3 would put 3 shards in one: refused, naming the store and why
    auto refused = placement_over_usable(5, 3, three("b"));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().is(vk::errc::conflict));
    EXPECT_NE(refused.error().message.find("store b (object keeper-state does not open)"), std::string::npos);
    // four stores, one unusable: the three others hold it, and the unusable one gets nothing
    auto four = three("b");
    four.push_back({"d", true, ""});
    auto placed = placement_over_usable(5, 3, four);
    ASSERT_TRUE(placed);
    EXPECT_EQ(*placed, (std::vector<std::string>{"a", "c", "d", "a", "c"}));
    // a configuration no store set could hold is not the unusable store's doing
    auto never = placement_over_usable(5, 2, three("b"));
    ASSERT_FALSE(never);
    EXPECT_TRUE(never.error().is(vk::errc::invalid_argument));
}

TEST(keeper_store_health, a_degraded_start_needs_a_held_set_whose_threshold_still_opens)
{
    procedure_record none;
    EXPECT_TRUE(degraded_start(none, 0, three()));
    auto fresh = degraded_start(none, 0, three("c"));
    ASSERT_FALSE(fresh);
    EXPECT_NE(fresh.error().message.find("an init needs every store"), std::string::npos);
    EXPECT_NE(fresh.error().message.find("store c"), std::string::npos);
    auto held = *record_from_json(record_text(4));
    EXPECT_TRUE(degraded_start(held, 3, three("a")));
    auto short_of = degraded_start(held, 2, three("a"));
    ASSERT_FALSE(short_of);
    EXPECT_NE(short_of.error().message.find("only 2 shards of set-1 open (3 needed)"), std::string::npos);
}

TEST(keeper_store_health, each_store_is_alerted_once_and_again_only_after_it_recovered)
{
    std::set<std::string> alerted;
    auto news = health_changes(alerted, three("b"));
    ASSERT_EQ(news.broke.size(), 1u);
    EXPECT_EQ(news.broke[0].store, "b");
    alerted.insert("b");
    EXPECT_TRUE(health_changes(alerted, three("b")).broke.empty());  // still broken: no news
    news = health_changes(alerted, three());
    EXPECT_EQ(news.recovered, std::vector<std::string>{"b"});
    alerted.erase("b");
    EXPECT_EQ(health_changes(alerted, three("b")).broke.size(), 1u);  // broken again: news again
}

TEST(keeper_store_health, the_procedure_waits_instead_of_creating_a_set_it_cannot_place)
{
    auto held = *record_from_json(record_text(4));
    observation o;
    o.initialized = true;
    procedure_policy p;
    p.shares = 5;
    p.threshold = 3;
    p.want_rekey = true;
    p.placement = {"a", "b", "c", "a", "b"};
    EXPECT_EQ(decide(held, o, p).kind, act::write);  // requested
    p.placement.clear();
    p.no_placement = "a new set cannot be placed; unusable: store b (why)";
    auto a = decide(held, o, p);
    EXPECT_EQ(a.kind, act::wait);
    EXPECT_EQ(a.level, level::warning);
    EXPECT_EQ(a.message, p.no_placement);
    // a step that creates no set still goes on (here: a stray set is removed from the usable stores)
    o.stray_sets = {"set-7"};
    EXPECT_EQ(decide(held, o, p).kind, act::delete_set);
}
