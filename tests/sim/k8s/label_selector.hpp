// Label selectors as the API server parses them (k8s.io/apimachinery/pkg/labels): comma-separated
// requirements `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`. Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_LABEL_SELECTOR_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_LABEL_SELECTOR_HPP

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim {

class label_selector
{
public:
    // nullopt and a message (for a 400 BadRequest) when the text does not parse. "" selects everything.
    static std::optional<label_selector> parse(std::string_view text, std::string& error);

    bool matches(const std::map<std::string, std::string>& labels) const;
    // The keys the requirements name (fieldSelector checks them against the supported fields).
    std::vector<std::string> keys() const;

private:
    enum class op
    {
        exists,
        not_exists,
        in,
        not_in
    };
    struct requirement
    {
        std::string key;
        op kind = op::exists;
        std::vector<std::string> values;
    };
    std::vector<requirement> requirements_;
};

}  // namespace ksim

#endif
