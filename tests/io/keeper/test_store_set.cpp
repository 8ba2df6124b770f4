// The store set on real directories with one store made unusable each way an object can fail to open (the
// wrong key, a truncated file, bytes that are not ours, another object's file), the first store included:
// the record comes from the others (highest seq), writes go only to the usable stores, and the unusable
// store's files stay byte for byte what they were.
#include "async_test.hpp"
#include "keeper/file_store.hpp"
#include "keeper/stores.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace vk::keeper;

namespace {

const std::vector<std::string> names{"a", "b", "c"};

struct stores_dir : vk::test::temp_dir
{
    stores_dir()
        : vk::test::temp_dir("vk-store-set")
    {
        for (const auto& n : names)
            fs::create_directories(path / n);
    }

    // Every store with key 'k', except `wrong_key` (keyed 'x').
    store_set open(const std::string& wrong_key = "") const
    {
        std::vector<std::shared_ptr<shard_store>> out;
        for (const auto& n : names)
            out.push_back(make_file_store(
                {n, (path / n).string(), vk::secret(std::string(32, n == wrong_key ? 'x' : 'k'))}));
        return store_set(std::move(out));
    }

    // Every file of a store with its bytes.
    std::map<std::string, std::string> files(const std::string& store) const
    {
        std::map<std::string, std::string> out;
        for (const auto& e : fs::directory_iterator(path / store))
        {
            std::ifstream f(e.path(), std::ios::binary);
            std::stringstream s;
            s << f.rdbuf();
            out[e.path().filename().string()] = s.str();
        }
        return out;
    }

    void write(const std::string& store, const std::string& name, const std::string& bytes) const
    {
        std::ofstream(path / store / name, std::ios::binary | std::ios::trunc) << bytes;
    }
};

shard_set set_of(std::string id)
{
    return {std::move(id), 5, 3, {"a", "b", "c", "a", "b"}};
}

std::vector<vk::secret> keys()
{
    std::vector<vk::secret> out;
    for (int i = 0; i < 5; ++i)
        out.emplace_back("key-" + std::to_string(i), "test");
    return out;
}

// Three stores holding set-1 and a record at seq 2 (written twice: every store has a copy).
boost::asio::awaitable<void> fill(const stores_dir& d)
{
    auto s = d.open();
    EXPECT_TRUE(co_await s.read_record());
    EXPECT_TRUE(co_await s.put_set(set_of("set-1"), keys(), nullptr));
    procedure_record r;
    r.current = set_of("set-1");
    r.next_set = 2;
    r.seq = 1;
    EXPECT_TRUE(co_await s.write_record(r));
    r.seq = 2;
    EXPECT_TRUE(co_await s.write_record(r));
}

const store_health* health_of(const store_set& s, const std::string& name)
{
    for (const auto& h : s.health())
        if (h.store == name)
            return &h;
    return nullptr;
}

// How store `bad` is broken: its key, or one of its objects' files.
enum class breakage
{
    wrong_key,
    truncated,
    garbage,
    another_objects_file
};

// Breaks store `bad` as told; returns the store to open with the wrong key ("" when none).
std::string break_store(const stores_dir& d, const std::string& bad, breakage how)
{
    auto files = d.files(bad);
    const auto& state = files["keeper-state"];
    switch (how)
    {
    case breakage::wrong_key: return bad;
    case breakage::truncated: d.write(bad, "keeper-state", state.substr(0, state.size() - 5)); break;
    case breakage::garbage: d.write(bad, "keeper-state", "{\"seq\": 99}"); break;
    case breakage::another_objects_file:
        for (const auto& [name, bytes] : files)
            if (name.starts_with("set-1-shard-"))
            {
                d.write(bad, "keeper-state", bytes);
                break;
            }
        break;
    }
    return "";
}

}  // namespace

ASYNC_TEST(store_set, each_store_broken_each_way_is_unusable_and_left_as_it_is)
{
    for (const auto& bad : names)
        for (auto how :
             {breakage::wrong_key, breakage::truncated, breakage::garbage, breakage::another_objects_file})
        {
            stores_dir d;
            co_await fill(d);
            auto wrong_key = break_store(d, bad, how);
            auto before = d.files(bad);
            auto s = d.open(wrong_key);
            auto r = co_await s.read_record();
            EXPECT_TRUE(r) << bad;
            if (!r)
                continue;
            EXPECT_EQ(r->seq, 2u);
            EXPECT_EQ(r->current->id, "set-1");
            const auto* h = health_of(s, bad);
            EXPECT_TRUE(h && !h->usable) << bad;
            if (h)
                EXPECT_NE(h->reason.find("does not open"), std::string::npos) << h->reason;
            for (const auto& other : names)
                if (other != bad)
                    EXPECT_TRUE(health_of(s, other)->usable);
            // No record mirror, no shard, no deletion in the unusable store (the check's probe comes and
            // goes).
            auto failed = co_await s.check();
            s.mark_unusable(failed);
            EXPECT_EQ(failed.size(), 1u);  // the file store's check opens every object too
            auto next = *r;
            next.seq = 4;
            EXPECT_TRUE(co_await s.write_record(next)) << bad;
            EXPECT_FALSE(
                co_await s.put_set(set_of("set-2"), keys(), nullptr));  // placed in the bad store too
            EXPECT_TRUE(co_await s.delete_set("set-2"));
            EXPECT_TRUE(co_await s.delete_set("set-1"));
            EXPECT_TRUE(co_await s.remove_everywhere("keeper-state"));
            EXPECT_EQ(d.files(bad), before) << bad;
            // the usable stores took each write
            auto again = co_await d.open(wrong_key).read_record();
            EXPECT_FALSE(
                again);  // the record was removed from the usable stores: the bad one's cannot be told
        }
}

ASYNC_TEST(store_set, the_record_is_written_to_the_usable_stores_the_first_one_down_included)
{
    stores_dir d;
    co_await fill(d);
    auto s = d.open("a");
    auto r = co_await s.read_record();
    EXPECT_TRUE(r);
    auto next = *r;
    next.seq = 4;
    EXPECT_TRUE(co_await s.write_record(next));
    auto sets = co_await s.sets_held();
    EXPECT_TRUE(sets && sets->contains("set-1"));
    auto shards = co_await s.read_set(set_of("set-1"));
    EXPECT_EQ(shards.size(), 3u);  // b's two and c's one; a's do not open under the wrong key
    // The right key back: every store counts again, a's copy is older and loses.
    auto back = d.open();
    auto fresh = co_await back.read_record();
    EXPECT_TRUE(fresh && fresh->seq == 4);
    for (const auto& h : back.health())
        EXPECT_TRUE(h.usable) << h.store;
    EXPECT_EQ((co_await back.read_set(set_of("set-1"))).size(), 5u);
}

ASYNC_TEST(store_set, a_store_with_a_bad_shard_is_unusable_but_its_good_shards_still_count)
{
    stores_dir d;
    co_await fill(d);
    d.write("a", "set-1-shard-3", d.files("a")["set-1-shard-0"]);  // another object's file
    auto s = d.open();
    EXPECT_TRUE(co_await s.read_record());
    const auto* h = health_of(s, "a");
    EXPECT_TRUE(h && !h->usable);
    if (h)
        EXPECT_EQ(h->reason.find("object set-1-shard-3 does not open"), 0u) << h->reason;
    EXPECT_EQ((co_await s.read_set(set_of("set-1"))).size(), 4u);
}

ASYNC_TEST(store_set, a_record_that_opens_but_does_not_parse_makes_its_store_unusable)
{
    stores_dir d;
    co_await fill(d);
    auto b = make_file_store({"b", (d.path / "b").string(), vk::secret(std::string(32, 'k'))});
    EXPECT_TRUE(co_await b->put("keeper-state", "not a record", std::nullopt));
    auto before = d.files("b");
    auto s = d.open();
    auto r = co_await s.read_record();
    EXPECT_TRUE(r && r->seq == 2);
    const auto* h = health_of(s, "b");
    EXPECT_TRUE(h && !h->usable);
    if (h)
        EXPECT_EQ(h->reason.find("keeper-state does not parse"), 0u) << h->reason;
    auto next = *r;
    next.seq = 4;
    EXPECT_TRUE(co_await s.write_record(next));
    EXPECT_EQ(d.files("b"), before);
}
