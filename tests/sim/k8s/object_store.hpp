// k8s-sim's table of one resource: the rules of the API server's generic registry store (create,
// unconditional or resourceVersion-guarded update, delete with preconditions) with a revision counter as etcd
// keeps it. Pure: no I/O; errors are Status values worded as the API server words them.
//
// T derives from object_meta; these free functions are found by ADL:
//   const resource_kind& resource_of(const T*);               which resource T is (for messages)
//   std::optional<status> validate(const T&);                 the create/update validation
//   std::optional<status> validate_update(const T& next, const T& current);   immutable fields
//   bool same_content(const T&, const T&);                    an update that would change nothing
#ifndef VAULTKEEPER_TESTS_SIM_K8S_OBJECT_STORE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_OBJECT_STORE_HPP

#include "status.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ksim {

// The ObjectMeta fields k8s-sim keeps for every object.
struct object_meta
{
    std::string ns;
    std::string name;
    std::string uid;
    std::string creation_timestamp;  // RFC 3339, UTC, seconds
    std::uint64_t resource_version = 0;
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
};

// A random v4 UUID and the current time (RFC 3339, seconds), as the API server stamps a created object.
std::pair<std::string, std::string> real_stamp();

template <class T> class object_store
{
public:
    // Fresh uid and creation timestamp for a created object (tests inject deterministic ones).
    using stamper = std::function<std::pair<std::string, std::string>()>;
    explicit object_store(stamper stamp = {})
        : stamp_(stamp ? std::move(stamp) : stamper(real_stamp))
    {
    }

    const T* get(const std::string& ns, const std::string& name) const
    {
        auto it = objects_.find({ns, name});
        return it == objects_.end() ? nullptr : &it->second;
    }

    // Objects of namespace ns ("" = every namespace) accepted by filter, sorted by namespace then name.
    std::vector<T> list(const std::string& ns, const std::function<bool(const T&)>& filter) const
    {
        std::vector<T> out;
        for (const auto& [key, o] : objects_)
            if ((ns.empty() || key.first == ns) && (!filter || filter(o)))
                out.push_back(o);
        return out;
    }

    // The latest revision (a list's metadata.resourceVersion).
    std::uint64_t revision() const { return revision_; }

    // POST: validates, then creates with the next revision. AlreadyExists (409) when the name is taken.
    outcome<T> create(T o)
    {
        if (auto bad = validate(o))
            return *bad;
        if (get(o.ns, o.name))
            return already_exists(o.name, resource());
        std::tie(o.uid, o.creation_timestamp) = stamp_();
        o.resource_version = ++revision_;
        return objects_[{o.ns, o.name}] = std::move(o);
    }

    // PUT: NotFound when absent; expected_rv set and different -> Conflict. An update that changes nothing
    // keeps the resourceVersion (the API server skips the etcd write).
    outcome<T> replace(T o, const std::optional<std::string>& expected_rv)
    {
        auto it = objects_.find({o.ns, o.name});
        if (it == objects_.end())
            return not_found(o.name, resource());
        T& current = it->second;
        // GuaranteedUpdate compares the resourceVersion the client sent with the stored one.
        if (expected_rv && *expected_rv != std::to_string(current.resource_version))
            return conflict(o.name, resource());
        if (auto bad = validate(o))
            return *bad;
        if (auto bad = validate_update(o, current))
            return *bad;
        if (same_content(o, current))
            return current;
        o.uid = current.uid;
        o.creation_timestamp = current.creation_timestamp;
        o.resource_version = ++revision_;
        return current = std::move(o);
    }

    // DELETE: NotFound when absent; a resourceVersion precondition that does not match -> Conflict.
    outcome<T> remove(const std::string& ns, const std::string& name,
                      const std::optional<std::string>& precondition_rv)
    {
        auto it = objects_.find({ns, name});
        if (it == objects_.end())
            return not_found(name, resource());
        if (precondition_rv && *precondition_rv != std::to_string(it->second.resource_version))
            return precondition_failed(resource(), ns, name, *precondition_rv, it->second.resource_version);
        T gone = std::move(it->second);
        objects_.erase(it);
        // etcd gives the delete a revision of its own.
        ++revision_;
        return gone;
    }

    // Empties the table; the revision keeps growing.
    void clear() { objects_.clear(); }
    // Loads a persisted state (no validation, revisions kept).
    void restore(std::uint64_t revision, std::vector<T> objects)
    {
        objects_.clear();
        revision_ = revision;
        for (auto& o : objects)
        {
            revision_ = std::max(revision_, o.resource_version);
            auto key = std::make_pair(o.ns, o.name);
            objects_[key] = std::move(o);
        }
    }
    std::size_t size() const { return objects_.size(); }

private:
    static const resource_kind& resource() { return resource_of(static_cast<const T*>(nullptr)); }

    std::map<std::pair<std::string, std::string>, T> objects_;
    std::uint64_t revision_ = 0;
    stamper stamp_;
};

}  // namespace ksim

#endif
