// What an admin token may do: scopes (read, operate, approve, rekey, restore, custodian-share; "*" is all of
// them), and the
// job globs a token may be limited to. Pure: the config names them, the admin API checks them.
#ifndef VAULTKEEPER_SERVER_CORE_SCOPE_HPP
#define VAULTKEEPER_SERVER_CORE_SCOPE_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk {

enum class scope : std::uint8_t
{
    read,             // GET routes and the web page
    operate,          // trigger, halt, resume, log level
    approve,          // sync approve-deletes
    rekey,            // keeper rekey
    restore,          // snapshot restore
    custodian_share,  // download a keeper custodian's encrypted share
};

inline constexpr scope every_scope[] = {scope::read,  scope::operate, scope::approve,
                                        scope::rekey, scope::restore, scope::custodian_share};

std::string_view to_string(scope s);
// nullopt for a name that is no scope ("*" is not one: see scope_set::parse).
std::optional<scope> scope_named(std::string_view name);

class scope_set
{
public:
    static scope_set all();
    // Names to a set: "*" adds every scope; the first unknown name is returned in `unknown`.
    static scope_set parse(const std::vector<std::string>& names, std::string* unknown = nullptr);

    void add(scope s) { bits_ |= bit(s); }
    bool has(scope s) const { return (bits_ & bit(s)) != 0; }
    bool empty() const { return bits_ == 0; }
    std::vector<std::string> names() const;  // in every_scope order
    friend bool operator==(const scope_set&, const scope_set&) = default;

private:
    static std::uint8_t bit(scope s) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(s)); }
    std::uint8_t bits_ = 0;
};

// Shell-style glob over a job name: '*' any run of characters, '?' any one; everything else literal.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace vk

#endif
