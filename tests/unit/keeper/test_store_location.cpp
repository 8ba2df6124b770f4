// Where a shard store keeps its objects: directories and API server URLs compared after a lexical
// normalisation, and the namespace a store without one uses.
#include "keeper/model/store_location.hpp"

#include <gtest/gtest.h>

namespace {

using vk::keeper::location_of;
using vk::keeper::normal_api_server;
using vk::keeper::normal_directory;

vk::keeper::store_settings file_at(const std::string& path)
{
    return vk::keeper::file_store_settings{"s", path, {}};
}

vk::keeper::store_settings in_cluster(const std::string& sa_dir, const std::string& ns)
{
    vk::keeper::kubernetes_store_settings k;
    k.ns = ns;
    k.cluster.emplace();
    k.cluster->in_cluster = true;
    k.cluster->service_account_dir = sa_dir;
    return k;
}

}  // namespace

TEST(store_location, directories_compare_after_dots_and_slashes)
{
    EXPECT_EQ(normal_directory("/a/b/"), "/a/b");
    EXPECT_EQ(normal_directory("/a/./b"), "/a/b");
    EXPECT_EQ(normal_directory("/a//c/../b///"), "/a/b");
    EXPECT_EQ(normal_directory("/a/b/.."), "/a");
    EXPECT_EQ(normal_directory("/"), "/");
    EXPECT_EQ(normal_directory("/.."), "/");
    EXPECT_EQ(location_of(file_at("/a/b/")), location_of(file_at("/a/./b")));
    EXPECT_NE(location_of(file_at("/a/b")), location_of(file_at("/a/B")));  // no case folding, no symlinks
}

TEST(store_location, api_servers_compare_without_case_default_port_or_trailing_slash)
{
    EXPECT_EQ(normal_api_server("HTTPS://K8s.Example:443/"), "https://k8s.example");
    EXPECT_EQ(normal_api_server("http://k8s:80"), "http://k8s");
    EXPECT_EQ(normal_api_server("https://k8s:80/"), "https://k8s:80");
    EXPECT_EQ(normal_api_server("https://k8s:6443/prefix/"), "https://k8s:6443/prefix");
}

TEST(store_location, in_cluster_default_namespace_stands_for_its_service_account_dir)
{
    EXPECT_EQ(location_of(in_cluster("/sa/", "")), location_of(in_cluster("/sa", "")));
    EXPECT_NE(location_of(in_cluster("/sa", "")), location_of(in_cluster("/other", "")));
    EXPECT_EQ(location_of(in_cluster("/sa", "vault")), location_of(in_cluster("/other", "vault")));
}

TEST(store_location, a_store_whose_place_is_not_given_aliases_nothing)
{
    std::vector<vk::keeper::store_settings> others{file_at("")};
    EXPECT_EQ(vk::keeper::aliased_store(file_at(""), others), nullptr);
}
