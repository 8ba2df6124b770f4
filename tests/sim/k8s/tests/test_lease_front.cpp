// Unit tests of k8s-sim's Lease routes without sockets: paths, Status bodies with the API group, the
// compare-and-swap of leader election, LeaseList, delete preconditions, persistence across a restart.
#include "front_fixture.hpp"

#include <filesystem>

namespace {

struct k8s_lease_front : ksim::testing::front_fixture
{
    const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/vault/leases";

    // A Lease body held by `holder`, with resourceVersion rv when not empty.
    static std::string lease_body(const std::string& holder, const std::string& rv = "")
    {
        return R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"job-a")" +
               (rv.empty() ? "" : R"(,"resourceVersion":")" + rv + "\"") + R"(},"spec":{"holderIdentity":")" +
               holder + R"(","leaseDurationSeconds":15,"renewTime":"2026-12-05T11:34:00.250000Z"}})";
    }

    std::string resource_version(const simc::response& res)
    {
        return std::string(body(res)["metadata"].as_object()["resourceVersion"].as_string());
    }
};

}  // namespace

TEST_F(k8s_lease_front, create_read_replace_delete)
{
    auto created = call("POST", leases, lease_body("pod-1"));
    ASSERT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(body(created)["kind"], "Lease");
    EXPECT_EQ(body(created)["apiVersion"], "coordination.k8s.io/v1");
    EXPECT_EQ(body(created)["spec"].as_object()["renewTime"], "2026-12-05T11:34:00.250000Z");
    const auto rv = resource_version(created);
    auto read = call("GET", leases + "/job-a");
    ASSERT_EQ(read.status, 200u);
    EXPECT_EQ(body(read)["spec"].as_object()["holderIdentity"], "pod-1");
    auto replaced = call("PUT", leases + "/job-a", lease_body("pod-2", rv));
    ASSERT_EQ(replaced.status, 200u) << replaced.body;
    EXPECT_NE(resource_version(replaced), rv);
    auto deleted = call("DELETE", leases + "/job-a");
    EXPECT_EQ(deleted.status, 200u);
    EXPECT_EQ(body(deleted)["details"].as_object()["group"], "coordination.k8s.io");
    auto gone = call("GET", leases + "/job-a");
    EXPECT_EQ(gone.status, 404u);
    EXPECT_EQ(body(gone)["message"], "leases.coordination.k8s.io \"job-a\" not found");
    EXPECT_EQ(body(gone)["details"].as_object()["kind"], "leases");
}

TEST_F(k8s_lease_front, only_one_of_two_candidates_wins_the_same_resource_version)
{
    const auto rv = resource_version(call("POST", leases, lease_body("pod-1")));
    EXPECT_EQ(call("PUT", leases + "/job-a", lease_body("pod-2", rv)).status, 200u);
    auto loser = call("PUT", leases + "/job-a", lease_body("pod-3", rv));
    EXPECT_EQ(loser.status, 409u);
    EXPECT_EQ(body(loser)["reason"], "Conflict");
    EXPECT_EQ(body(loser)["message"],
              "Operation cannot be fulfilled on leases.coordination.k8s.io \"job-a\": the object has been "
              "modified; please apply your changes to the latest version and try again");
    EXPECT_EQ(body(call("GET", leases + "/job-a"))["spec"].as_object()["holderIdentity"], "pod-2");
    auto taken = call("POST", leases, lease_body("pod-3"));
    EXPECT_EQ(taken.status, 409u);
    EXPECT_EQ(body(taken)["reason"], "AlreadyExists");
    // No resourceVersion: accepted unconditionally, as an update without precondition.
    EXPECT_EQ(call("PUT", leases + "/job-a", lease_body("pod-3")).status, 200u);
}

TEST_F(k8s_lease_front, list_and_delete_precondition)
{
    call("POST", leases, lease_body("pod-1"));
    auto list = body(call("GET", leases));
    EXPECT_EQ(list["kind"], "LeaseList");
    EXPECT_EQ(list["apiVersion"], "coordination.k8s.io/v1");
    EXPECT_EQ(list["metadata"].as_object()["resourceVersion"], "1");
    ASSERT_EQ(list["items"].as_array().size(), 1u);
    EXPECT_FALSE(list["items"].as_array()[0].as_object().contains("kind"));
    EXPECT_EQ(body(call("GET", "/apis/coordination.k8s.io/v1/leases"))["items"].as_array().size(), 1u);
    EXPECT_EQ(
        body(call("GET", "/apis/coordination.k8s.io/v1/namespaces/other/leases"))["items"].as_array().size(),
        0u);
    auto stale = call("DELETE", leases + "/job-a", R"({"preconditions":{"resourceVersion":"9"}})");
    EXPECT_EQ(stale.status, 409u);
    EXPECT_EQ(call("DELETE", leases + "/job-a", R"({"preconditions":{"resourceVersion":"1"}})").status, 200u);
}

TEST_F(k8s_lease_front, bad_requests_and_paths)
{
    auto invalid = call("POST", leases, R"({"metadata":{"name":"Job_A"}})");
    EXPECT_EQ(invalid.status, 422u);
    EXPECT_EQ(body(invalid)["reason"], "Invalid");
    EXPECT_EQ(body(invalid)["details"].as_object()["kind"], "Lease");
    EXPECT_EQ(call("POST", leases, R"({"metadata":{}})").status, 422u);
    auto seconds_only =
        call("POST", leases, R"({"metadata":{"name":"a"},"spec":{"renewTime":"2026-12-05T11:34:00Z"}})");
    EXPECT_EQ(seconds_only.status, 400u);
    EXPECT_EQ(body(seconds_only)["reason"], "BadRequest");
    EXPECT_EQ(call("PATCH", leases + "/job-a").status, 405u);
    EXPECT_EQ(call("POST", "/apis/coordination.k8s.io/v1/leases", lease_body("pod-1")).status, 405u);
    EXPECT_EQ(call("GET", "/apis/coordination.k8s.io/v2/namespaces/vault/leases").status, 404u);
    EXPECT_EQ(call("GET", leases, {}, false).status, 401u);
}

TEST(k8s_lease_persistence, leases_survive_a_restart)
{
    const auto dir =
        std::filesystem::temp_directory_path() / ("k8s-lease-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        ksim::sim first{{.token = "t", .data_dir = dir.string()}};
        simc::request req;
        req.method = "POST";
        req.path = "/apis/coordination.k8s.io/v1/namespaces/vault/leases";
        req.headers.set("Authorization", "Bearer t");
        req.body = R"({"metadata":{"name":"job-a"},"spec":{"holderIdentity":"pod-1"}})";
        ASSERT_EQ(first.answer(req).status, 201u);
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "leases.json"));
    ksim::sim second{{.token = "t", .data_dir = dir.string()}};
    ASSERT_NE(second.leases().get("vault", "job-a"), nullptr);
    EXPECT_EQ(second.leases().get("vault", "job-a")->spec.holder_identity, "pod-1");
    EXPECT_EQ(second.leases().revision(), 1u);
    std::filesystem::remove_all(dir);
}
