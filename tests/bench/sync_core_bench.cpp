// Times the sync decision core on 100,000 secrets (or argv[1]; ctest runs 2,000 as a smoke test): build, full
// and no-change reindex, diff with 1% changed, write planning and serialisation. Prints one line per step.
#include "sync/model/consul_layout.hpp"
#include "sync/model/diff.hpp"
#include "sync/model/sync_info.hpp"
#include "sync/model/write_plan.hpp"

#include <chrono>
#include <cstdio>
#include <string>

using namespace vk::sync;

namespace {

template <class F> double time_ms(F&& f)
{
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void report(const char* what, double ms)
{
    std::printf("%-44s %10.2f ms\n", what, ms);
}

sync_info build(std::size_t n, int secrets)
{
    auto info = sync_info::create(n).value();
    for (int i = 0; i < secrets; ++i)
        info.put("secret/data/team" + std::to_string(i % 100) + "/app" + std::to_string(i),
                 {3, "2021-06-02T21:36:12.123456789Z", "kvV2"});
    return info;
}

}  // namespace

int main(int argc, char** argv)
{
    const int secrets = argc > 1 ? std::stoi(argv[1]) : 100000;
    constexpr std::size_t buckets = 64;
    sync_info origin = sync_info::create(1).value();
    report("build origin info (one put per secret)", time_ms([&] { origin = build(buckets, secrets); }));
    report("full reindex", time_ms([&] { origin.reindex(); }));
    report("no-change reindex", time_ms([&] { origin.reindex(); }));
    const auto saved = origin.index();
    report("identical re-put of all + reindex", time_ms([&] {
               for (int i = 0; i < secrets; ++i)
                   origin.put("secret/data/team" + std::to_string(i % 100) + "/app" + std::to_string(i),
                              {3, "2021-06-02T21:36:12.123456789Z", "kvV2"});
               origin.reindex();
           }));

    sync_info dest = build(buckets, secrets);
    dest.reindex();
    report("diff, nothing changed", time_ms([&] { (void)compare(origin, dest); }));

    report("change 1% of the versions + reindex", time_ms([&] {
               for (int i = 0; i < secrets; i += 100)
                   origin.put("secret/data/team" + std::to_string(i % 100) + "/app" + std::to_string(i),
                              {4, "2021-06-03T00:00:00Z", "kvV2"});
               origin.reindex();
           }));
    std::size_t tasks = 0;
    report("diff, 1% changed", time_ms([&] { tasks = compare(origin, dest)->size(); }));
    std::size_t batches = 0;
    report("write plan after the change",
           time_ms([&] { batches = plan_writes(saved, origin, "vsync/origin/").size(); }));
    std::size_t bytes = 0;
    report("serialise all buckets + index", time_ms([&] {
               for (const auto& kv : to_kv(origin, "vsync/origin/"))
                   bytes += kv.value.size();
           }));
    std::printf("tasks=%zu batches=%zu bytes=%zu\n", tasks, batches, bytes);
    return tasks == static_cast<std::size_t>((secrets + 99) / 100) ? 0 : 1;
}
