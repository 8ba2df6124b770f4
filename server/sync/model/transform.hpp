// Path transformers with vsync's semantics: an ordered pack of named-group regex rewrites from origin data
// paths to destination paths, ending in the identity.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_TRANSFORM_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_TRANSFORM_HPP

#include "core/error.hpp"

#include <boost/regex.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

// One `destination.transforms` entry as configured.
struct transform_config
{
    std::string name;
    std::string from;  // RE2-style regex with named groups (?P<name>...) (also (?<name>...))
    std::string to;    // '/'-separated; a segment equal to a group name becomes that group's capture
};

// A compiled named-regex transformer (vsync's NamedRegexpTransformer).
class transformer
{
public:
    // errc::invalid_argument naming the transform when `from` does not compile or repeats a group name.
    static result<transformer> compile(const transform_config& config);

    const std::string& name() const noexcept { return name_; }
    const std::vector<std::string>& group_names() const noexcept { return groups_; }

    // The rewritten path, or nullopt (fall through) when the regex does not match anywhere in the path,
    // has no named groups, or any named group is empty or did not participate.
    std::optional<std::string> apply(std::string_view path) const;

private:
    std::string name_;
    boost::regex from_;
    std::vector<std::string> groups_;
    std::vector<std::string> to_segments_;
};

// What a pack did with a path: the new path and the name of the transformer that produced it ("" for the
// identity fallback).
struct transform_outcome
{
    std::string path;
    std::string by;
};

class transform_pack
{
public:
    // Compiles every entry in order; the first failure is returned.
    static result<transform_pack> compile(const std::vector<transform_config>& configs);

    // The first transformer that applies wins; otherwise the identity. Never fails.
    transform_outcome apply(std::string_view path) const;

    // Configured transformers plus the identity (vsync's default pack has length 1).
    std::size_t size() const noexcept { return transformers_.size() + 1; }

private:
    std::vector<transformer> transformers_;
};

// Rewrites RE2's (?P<name> into Perl's (?<name> (Boost.Regex rejects the P form), skipping escapes and
// character classes, and collects the group names in order. Exposed for tests.
struct translated_regex
{
    std::string pattern;
    std::vector<std::string> names;
};
translated_regex translate_re2_names(std::string_view pattern);

}  // namespace vk::sync

#endif
