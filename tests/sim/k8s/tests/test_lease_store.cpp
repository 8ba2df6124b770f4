// Unit tests of k8s-sim's Lease table and its JSON: revisions, optimistic concurrency, delete preconditions,
// validation, MicroTime canonicalisation, persistence.
#include "lease_store.hpp"
#include "lease_wire.hpp"
#include "micro_time.hpp"
#include "persist.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace ksim;

namespace {

lease_store fixed_lease_store()
{
    int n = 0;
    return lease_store([n]() mutable {
        return std::make_pair("lease-uid-" + std::to_string(++n), std::string("2026-01-01T00:00:00Z"));
    });
}

lease held_by(std::string name, std::string holder)
{
    lease l;
    l.ns = "vault";
    l.name = std::move(name);
    l.spec.holder_identity = std::move(holder);
    l.spec.lease_duration_seconds = 15;
    l.spec.renew_time = "2026-01-01T00:00:01.000000Z";
    return l;
}

status lease_failure(const outcome<lease>& o)
{
    return std::get<status>(o);
}

std::optional<std::string> micro(std::string_view text)
{
    std::string error;
    return normalize_micro_time(text, error);
}

}  // namespace

TEST(k8s_lease_store, create_get_and_list)
{
    auto store = fixed_lease_store();
    auto a = std::get<lease>(store.create(held_by("job-a", "pod-1")));
    EXPECT_EQ(a.resource_version, 1u);
    EXPECT_EQ(a.uid, "lease-uid-1");
    store.create(held_by("job-b", "pod-2"));
    ASSERT_NE(store.get("vault", "job-a"), nullptr);
    EXPECT_EQ(store.get("vault", "job-a")->spec.holder_identity, "pod-1");
    EXPECT_EQ(store.get("other", "job-a"), nullptr);
    EXPECT_EQ(store.list("vault", {}).size(), 2u);
    EXPECT_TRUE(store.list("other", {}).empty());
    const auto taken = lease_failure(store.create(held_by("job-a", "pod-3")));
    EXPECT_EQ(taken.code, 409u);
    EXPECT_EQ(taken.reason, "AlreadyExists");
    EXPECT_EQ(taken.message, "leases.coordination.k8s.io \"job-a\" already exists");
    EXPECT_EQ(taken.group, "coordination.k8s.io");
    EXPECT_EQ(taken.kind, "leases");
}

TEST(k8s_lease_store, update_with_a_stale_resource_version_conflicts)
{
    auto store = fixed_lease_store();
    store.create(held_by("job-a", "pod-1"));
    auto renewed = held_by("job-a", "pod-1");
    renewed.spec.renew_time = "2026-01-01T00:00:02.000000Z";
    auto r2 = std::get<lease>(store.replace(renewed, std::string("1")));
    EXPECT_EQ(r2.resource_version, 2u);
    EXPECT_EQ(r2.uid, "lease-uid-1");
    // A second candidate still holding resourceVersion 1 loses.
    const auto st = lease_failure(store.replace(held_by("job-a", "pod-2"), std::string("1")));
    EXPECT_EQ(st.code, 409u);
    EXPECT_EQ(st.reason, "Conflict");
    EXPECT_EQ(st.message, "Operation cannot be fulfilled on leases.coordination.k8s.io \"job-a\": the object "
                          "has been modified; please apply your changes to the latest version and try again");
    // No precondition: the update is unconditional.
    EXPECT_EQ(std::get<lease>(store.replace(held_by("job-a", "pod-2"), std::nullopt)).resource_version, 3u);
    // Nothing changed: no new revision.
    EXPECT_EQ(std::get<lease>(store.replace(held_by("job-a", "pod-2"), std::string("3"))).resource_version,
              3u);
    EXPECT_EQ(lease_failure(store.replace(held_by("gone", "pod-1"), std::nullopt)).message,
              "leases.coordination.k8s.io \"gone\" not found");
}

TEST(k8s_lease_store, delete_checks_its_precondition)
{
    auto store = fixed_lease_store();
    store.create(held_by("job-a", "pod-1"));
    const auto st = lease_failure(store.remove("vault", "job-a", std::string("7")));
    EXPECT_EQ(st.code, 409u);
    EXPECT_NE(st.message.find("Key: /registry/leases/vault/job-a"), std::string::npos) << st.message;
    EXPECT_NE(st.message.find("ResourceVersion in precondition: 7, ResourceVersion in object meta: 1"),
              std::string::npos);
    EXPECT_EQ(std::get<lease>(store.remove("vault", "job-a", std::string("1"))).name, "job-a");
    EXPECT_EQ(store.size(), 0u);
    EXPECT_EQ(store.revision(), 2u);
    EXPECT_EQ(lease_failure(store.remove("vault", "job-a", std::nullopt)).code, 404u);
}

TEST(k8s_lease_store, validation_speaks_as_validate_lease)
{
    auto store = fixed_lease_store();
    auto bad = held_by("Job_A", "pod-1");
    bad.spec.lease_duration_seconds = 0;
    bad.spec.lease_transitions = -1;
    const auto st = lease_failure(store.create(bad));
    EXPECT_EQ(st.code, 422u);
    EXPECT_EQ(st.reason, "Invalid");
    EXPECT_EQ(st.kind, "Lease");
    EXPECT_TRUE(
        st.message.starts_with("Lease.coordination.k8s.io \"Job_A\" is invalid: [metadata.name: Invalid "
                               "value: \"Job_A\": a lowercase RFC 1123 subdomain"))
        << st.message;
    EXPECT_NE(st.message.find("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"),
              std::string::npos);
    EXPECT_NE(st.message.find("spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"),
              std::string::npos);
    EXPECT_EQ(
        lease_failure(store.create(held_by("", "pod-1"))).message,
        "Lease.coordination.k8s.io \"\" is invalid: metadata.name: Required value: name or generateName "
        "is required");
    auto preferred = held_by("job-a", "pod-1");
    preferred.spec.preferred_holder = "pod-2";
    EXPECT_EQ(lease_failure(store.create(preferred)).code, 422u);
    preferred.spec.strategy = "OldestEmulationVersion";
    EXPECT_EQ(std::get<lease>(store.create(preferred)).spec.preferred_holder, "pod-2");
}

TEST(k8s_micro_time, canonical_form_is_utc_with_six_digits)
{
    EXPECT_EQ(micro("2026-12-05T11:34:00.123456Z"), "2026-12-05T11:34:00.123456Z");
    EXPECT_EQ(micro("2026-12-05T13:34:00.000001+02:00"), "2026-12-05T11:34:00.000001Z");
    EXPECT_EQ(micro("2026-12-31T23:30:00.500000-01:00"), "2027-01-01T00:30:00.500000Z");
    // The layout's ".000000" wants exactly six digits, as Go's time.Parse(RFC3339Micro) does.
    std::string error;
    EXPECT_EQ(normalize_micro_time("2026-12-05T11:34:00Z", error), std::nullopt);
    EXPECT_EQ(error, "parsing time \"2026-12-05T11:34:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot "
                     "parse \"Z\" as \".000000\"");
    EXPECT_EQ(micro("2026-12-05T11:34:00.123Z"), std::nullopt);
    EXPECT_EQ(micro("2026-12-05T11:34:00.123456789Z"), std::nullopt);
    EXPECT_EQ(micro("2026-12-05 11:34:00.123456Z"), std::nullopt);
    EXPECT_EQ(micro("yesterday"), std::nullopt);
}

TEST(k8s_lease_wire, decodes_typed_spec_fields_and_writes_them_back)
{
    auto decoded = decode_lease(R"({"metadata":{"name":"job-a","labels":{"app":"vk"}},"spec":{)"
                                R"("holderIdentity":"pod-1","leaseDurationSeconds":15,"leaseTransitions":2,)"
                                R"("acquireTime":"2026-12-05T12:00:00.000001+01:00","renewTime":null}})",
                                "vault");
    ASSERT_TRUE(std::holds_alternative<decoded_lease>(decoded)) << std::get<status>(decoded).message;
    const auto& l = std::get<decoded_lease>(decoded).object;
    EXPECT_EQ(l.spec.acquire_time, "2026-12-05T11:00:00.000001Z");
    EXPECT_EQ(l.spec.renew_time, std::nullopt);
    auto out = lease_json(l);
    EXPECT_EQ(out["kind"], "Lease");
    EXPECT_EQ(out["apiVersion"], "coordination.k8s.io/v1");
    EXPECT_EQ(
        boost::json::serialize(out["spec"]),
        R"({"holderIdentity":"pod-1","leaseDurationSeconds":15,"acquireTime":"2026-12-05T11:00:00.000001Z",)"
        R"("leaseTransitions":2})");
    auto mistyped =
        decode_lease(R"({"metadata":{"name":"a"},"spec":{"leaseDurationSeconds":"15"}})", "vault");
    EXPECT_EQ(std::get<status>(mistyped).message,
              "Lease in version \"v1\" cannot be handled as a Lease: json: cannot unmarshal string into Go "
              "struct field LeaseSpec.spec.leaseDurationSeconds of type int32");
    auto too_big =
        decode_lease(R"({"metadata":{"name":"a"},"spec":{"leaseTransitions":4294967296}})", "vault");
    EXPECT_EQ(std::get<status>(too_big).code, 400u);
    auto bad_time =
        decode_lease(R"({"metadata":{"name":"a"},"spec":{"renewTime":"2026-12-05T11:34:00Z"}})", "vault");
    EXPECT_EQ(std::get<status>(bad_time).code, 400u);
}

TEST(k8s_lease_store, state_survives_a_dump_and_restore)
{
    auto store = fixed_lease_store();
    store.create(held_by("job-a", "pod-1"));
    store.create(held_by("job-b", "pod-2"));
    store.remove("vault", "job-b", std::nullopt);
    lease_store copy;
    std::string error;
    ASSERT_TRUE(restore_state(dump_state(store), copy, error)) << error;
    EXPECT_EQ(copy.revision(), 3u);
    ASSERT_NE(copy.get("vault", "job-a"), nullptr);
    EXPECT_EQ(copy.get("vault", "job-a")->uid, "lease-uid-1");
    EXPECT_EQ(copy.get("vault", "job-a")->spec, store.get("vault", "job-a")->spec);
    EXPECT_EQ(copy.get("vault", "job-a")->resource_version, 1u);
    EXPECT_EQ(state_file_name(copy), "leases.json");
}
