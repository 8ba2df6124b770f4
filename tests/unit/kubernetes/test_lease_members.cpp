// Member Leases (HA balancing): their names never meet a job's Lease, a LeaseList decodes, and a member is
// alive while its Lease names a holder and changed within leaseDurationSeconds on our clock.
#include "kubernetes/model/lease_members.hpp"

#include <gtest/gtest.h>

namespace vk::kubernetes {
namespace {
using std::chrono::seconds;

const election_clock::time_point m0{};

named_lease member(const std::string& replica, const std::string& renew, std::string holder = "")
{
    return {member_lease_name("vaultkeeper-", replica),
            {lease_spec{holder.empty() ? replica : holder, 10, "a", renew, 0}, "1"}};
}

TEST(kubernetes_lease_members, member_names_start_where_no_job_lease_can)
{
    EXPECT_EQ(member_lease_name("vaultkeeper-", "pod-a"), "vaultkeeper--replica-pod-a");
    EXPECT_EQ(member_lease_name("vk", "pod-a"), "vk--replica-pod-a");
    EXPECT_EQ(member_lease_name("", "pod-a"), "vaultkeeper--replica-pod-a");
    // Job names start with a letter or digit, so <prefix><job> never starts with the member prefix.
    EXPECT_FALSE(
        lease_name("vaultkeeper-", "replica-pod-a").starts_with(member_lease_prefix("vaultkeeper-")));
    // Replica ids that are not object names are hashed like job names.
    EXPECT_TRUE(member_lease_name("vaultkeeper-", "Pod_A").starts_with("vaultkeeper--replica-pod-a-"));
}

TEST(kubernetes_lease_members, a_member_lives_until_its_lease_stops_changing_for_its_duration)
{
    lease_members m;
    m.saw("vaultkeeper-",
          {member("a", "r1"), member("b", "r1"), {"vaultkeeper-sync", {lease_spec{"c", 10}, "2"}}}, m0);
    EXPECT_EQ(m.live(m0 + seconds(9)), (std::set<std::string>{"a", "b"}));  // a job's Lease is not a member
    m.saw("vaultkeeper-", {member("a", "r2"), member("b", "r1")}, m0 + seconds(8));  // a renewed, b did not
    EXPECT_EQ(m.live(m0 + seconds(10)), (std::set<std::string>{"a"}));
    EXPECT_EQ(m.live(m0 + seconds(18)), (std::set<std::string>{}));
}

TEST(kubernetes_lease_members, a_released_or_deleted_member_lease_is_gone_at_once)
{
    lease_members m;
    m.saw("vaultkeeper-", {member("a", "r1"), member("b", "r1")}, m0);
    auto released = member("a", "r2");
    released.lease.spec->holder.clear();
    m.saw("vaultkeeper-", {released}, m0 + seconds(1));
    EXPECT_TRUE(m.live(m0 + seconds(1)).empty());
}

TEST(kubernetes_lease_wire, a_lease_list_decodes_its_items_and_refuses_what_is_not_one)
{
    auto list = decode_lease_list(R"({"kind":"LeaseList","metadata":{"resourceVersion":"9"},"items":[
        {"metadata":{"name":"x","resourceVersion":"5"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15}},
        {"metadata":{"name":"y","resourceVersion":"6"}}]})");
    ASSERT_TRUE(list) << list.error().describe();
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].name, "x");
    EXPECT_EQ((*list)[0].lease.spec->holder, "a");
    EXPECT_EQ((*list)[0].lease.resource_version, "5");
    EXPECT_EQ((*list)[1].lease.spec->holder, "");
    EXPECT_TRUE(decode_lease_list(R"({"items":null})"));
    EXPECT_FALSE(decode_lease_list(R"({"items":{}})"));
    EXPECT_FALSE(decode_lease_list(R"([1])"));
    EXPECT_FALSE(decode_lease_list(R"({"items":[{"spec":{}}]})"));  // no metadata
}

}  // namespace
}  // namespace vk::kubernetes
