// metav1.MicroTime as the API server reads and writes it: time.Parse with the layout
// "2006-01-02T15:04:05.000000Z07:00" (exactly six fractional digits, any offset) in, UTC with six digits out.
// Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_MICRO_TIME_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_MICRO_TIME_HPP

#include <optional>
#include <string>
#include <string_view>

namespace ksim {

// The canonical form of a MicroTime ("2026-01-02T03:04:05.123456Z", the offset folded into UTC); nullopt and
// Go's error (`parsing time "x" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"`) when
// the text does not match the layout: a time without a fraction, or with other than six digits, is refused
// as the API server refuses it.
std::optional<std::string> normalize_micro_time(std::string_view text, std::string& error);

}  // namespace ksim

#endif
