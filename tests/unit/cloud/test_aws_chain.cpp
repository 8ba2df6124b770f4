// The AWS default chain's order and decisions (cloud/model/aws_chain), from an environment and shared files.
#include "cloud/model/aws_chain.hpp"

#include <gtest/gtest.h>

namespace aws = vk::cloud::aws;

namespace {

aws::shared_files files(std::string credentials, std::string config = "")
{
    return {"/home/u/.aws/credentials", "/home/u/.aws/config", aws::parse_ini(credentials),
            aws::parse_ini(config)};
}

std::string describe(const aws::chain_settings& s, const aws::env_map& env, const aws::shared_files& f = {})
{
    auto p = aws::plan_credentials(s, env, f);
    return p ? p->description : "error: " + p.error().message;
}

const aws::env_map env_keys{
    {"AWS_ACCESS_KEY_ID", "AKENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SESSION_TOKEN", "t"}};
const aws::env_map web_identity{{"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
                                {"AWS_ROLE_ARN", "arn:aws:iam::1:role/irsa"}};

}  // namespace

TEST(aws_chain, static_keys_win_over_everything)
{
    aws::chain_settings s;
    s.static_keys = aws::credentials{{"AKSTATIC", "s", ""}, {}};
    auto p = aws::plan_credentials(s, env_keys, {});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->description, "static keys");
    EXPECT_EQ(std::get<aws::keys_source>(p->base).creds.keys.access_key_id, "AKSTATIC");
}

TEST(aws_chain, environment_first_with_its_session_token)
{
    auto env = env_keys;
    env.insert(web_identity.begin(), web_identity.end());
    auto p = aws::plan_credentials({}, env,
                                   files("[default]\naws_access_key_id=AKFILE\naws_secret_access_key=x\n"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->description, "environment");
    EXPECT_EQ(std::get<aws::keys_source>(p->base).creds.keys.session_token, "t");
    // An id without its secret is not the environment's credentials.
    EXPECT_EQ(describe({}, {{"AWS_ACCESS_KEY_ID", "AK"}}), "instance metadata (IMDSv2)");
}

TEST(aws_chain, web_identity_before_shared_files)
{
    auto p = aws::plan_credentials({}, web_identity,
                                   files("[default]\naws_access_key_id=AK\naws_secret_access_key=x\n"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->description, "web identity (role arn:aws:iam::1:role/irsa)");
    auto& w = std::get<aws::web_identity_source>(p->base);
    EXPECT_EQ(w.token_file, "/var/run/token");
    EXPECT_EQ(w.role.session_name, "vaultkeeper");
}

TEST(aws_chain, profile_from_credentials_then_config_file)
{
    auto f = files("[prod]\naws_access_key_id = AKPROD\naws_secret_access_key = x\n",
                   "[profile dev]\naws_access_key_id=AKDEV\naws_secret_access_key=y\n");
    EXPECT_EQ(describe({}, {{"AWS_PROFILE", "prod"}}, f), "profile prod from /home/u/.aws/credentials");
    EXPECT_EQ(describe({}, {{"AWS_PROFILE", "dev"}}, f), "profile dev from /home/u/.aws/config");
    aws::chain_settings s;
    s.profile = "prod";  // explicit: the environment's keys are skipped, as for botocore's Session(profile=)
    EXPECT_EQ(describe(s, env_keys, f), "profile prod from /home/u/.aws/credentials");
    s.profile = "nope";
    EXPECT_EQ(describe(s, {}, f),
              "error: profile nope is in neither /home/u/.aws/credentials nor /home/u/.aws/config");
}

TEST(aws_chain, assume_role_profile_over_source_profile_or_credential_source)
{
    auto f =
        files("[base]\naws_access_key_id=AKBASE\naws_secret_access_key=x\n",
              "[profile ops]\nrole_arn = arn:aws:iam::1:role/ops\nsource_profile = base\nexternal_id = e1\n"
              "[profile box]\nrole_arn = arn:aws:iam::1:role/box\ncredential_source = Ec2InstanceMetadata\n");
    auto p = aws::plan_credentials({}, {{"AWS_PROFILE", "ops"}}, f);
    ASSERT_TRUE(p);
    EXPECT_EQ(
        p->description,
        "assume role arn:aws:iam::1:role/ops (profile ops) over profile base from /home/u/.aws/credentials");
    ASSERT_EQ(p->roles.size(), 1u);
    EXPECT_EQ(p->roles[0].external_id, "e1");
    EXPECT_EQ(std::get<aws::keys_source>(p->base).creds.keys.access_key_id, "AKBASE");
    EXPECT_EQ(describe({}, {{"AWS_PROFILE", "box"}}, f),
              "assume role arn:aws:iam::1:role/box (profile box) over instance metadata (IMDSv2)");
}

TEST(aws_chain, web_identity_from_a_profile)
{
    auto f = files("", "[default]\nrole_arn=arn:aws:iam::1:role/p\nweb_identity_token_file=/t\n");
    EXPECT_EQ(describe({}, {}, f), "web identity (role arn:aws:iam::1:role/p)");
}

TEST(aws_chain, container_ecs_and_eks_pod_identity)
{
    EXPECT_EQ(describe({}, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"}}),
              "container (ECS)");
    auto p = aws::plan_credentials({}, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"}}, {});
    EXPECT_EQ(std::get<aws::container_source>(p->base).url, "http://169.254.170.2/v2/credentials/x");
    aws::env_map eks{
        {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
        {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/secrets/pods.eks.amazonaws.com/token"}};
    EXPECT_EQ(describe({}, eks), "container (EKS Pod Identity)");
    // Plain http elsewhere would send the token in clear to anyone: refused, not skipped.
    EXPECT_EQ(
        describe({}, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds"}}).substr(0, 36),
        "error: container credentials over ht");
    EXPECT_EQ(describe({}, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://example.com/creds"}}),
              "container (ECS)");
}

TEST(aws_chain, instance_metadata_last_unless_disabled)
{
    auto p = aws::plan_credentials({}, {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/"}}, {});
    ASSERT_TRUE(p);
    EXPECT_EQ(std::get<aws::imds_source>(p->base).endpoint, "http://127.0.0.1:9");
    EXPECT_EQ(describe({}, {{"AWS_EC2_METADATA_DISABLED", "true"}}).substr(0, 25),
              "error: no AWS credentials");
}

TEST(aws_chain, assume_role_arn_goes_on_top_of_any_source)
{
    aws::chain_settings s;
    s.assume_role = aws::assume_role_params{"arn:aws:iam::2:role/backup", "vk", "ext"};
    auto p = aws::plan_credentials(s, web_identity, {});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->description,
              "assume role arn:aws:iam::2:role/backup over web identity (role arn:aws:iam::1:role/irsa)");
    ASSERT_EQ(p->roles.size(), 1u);
    EXPECT_EQ(p->roles[0].session_name, "vk");
}

TEST(aws_chain, shared_file_paths_from_the_environment)
{
    EXPECT_EQ(aws::credentials_file_path({}, "/root"), "/root/.aws/credentials");
    EXPECT_EQ(aws::config_file_path({{"AWS_CONFIG_FILE", "/etc/aws.cfg"}}, "/root"), "/etc/aws.cfg");
}
