// Snapshot download faults (see snapshot_faults.hpp).
#include "snapshot_faults.hpp"

#include <memory>
#include <stdexcept>

namespace vsim {

std::optional<snapshot_fault_mode> snapshot_controls::mode_of(const std::string& s)
{
    if (s == "truncate")
        return snapshot_fault_mode::truncate;
    if (s == "corrupt")
        return snapshot_fault_mode::corrupt;
    if (s == "abort")
        return snapshot_fault_mode::abort;
    if (s == "step-down")
        return snapshot_fault_mode::step_down;
    return std::nullopt;
}

std::function<std::optional<std::string>()>
snapshot_controls::wrap(std::function<std::optional<std::string>()> producer, std::function<void()> step_down)
{
    if (!fault || remaining == 0)
        return producer;
    const auto f = *fault;
    if (--remaining == 0)
        fault.reset();
    struct state
    {
        std::function<std::optional<std::string>()> producer;
        std::function<void()> step_down;
        snapshot_fault f;
        std::uint64_t sent = 0;
        bool fired = false;
    };
    auto st = std::make_shared<state>(state{std::move(producer), std::move(step_down), f});
    return [st]() -> std::optional<std::string> {
        if (st->fired && st->f.mode == snapshot_fault_mode::truncate)
            return std::nullopt;
        auto chunk = st->producer();
        if (!chunk)
            return chunk;
        const auto begin = st->sent;
        st->sent += chunk->size();
        if (st->fired || st->sent <= st->f.after_bytes)
            return chunk;
        st->fired = true;
        const auto at = static_cast<std::size_t>(st->f.after_bytes - begin);
        switch (st->f.mode)
        {
        case snapshot_fault_mode::truncate: chunk->resize(at); break;
        case snapshot_fault_mode::corrupt: (*chunk)[at] = static_cast<char>((*chunk)[at] ^ 0xff); break;
        case snapshot_fault_mode::abort: throw std::runtime_error("snapshot download aborted (sim fault)");
        case snapshot_fault_mode::step_down: st->step_down(); break;
        }
        return chunk;
    };
}

snapshot_controls& snapshot_controls_instance()
{
    static snapshot_controls controls;
    return controls;
}

}  // namespace vsim
