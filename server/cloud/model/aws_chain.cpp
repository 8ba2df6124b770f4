#include "cloud/model/aws_chain.hpp"

#include "cloud/model/aws_metadata.hpp"

namespace vk::cloud::aws {
namespace {

// One step of the chain: the plan it makes, nullopt when its variables or keys are absent (next step), or
// an error that stops the chain (botocore raises rather than falling through in those cases too).
using step_result = std::optional<result<credential_plan>>;

credential_plan plan(base_source base, std::string description)
{
    return {std::move(base), {}, std::move(description)};
}

step_result environment(const env_map& env)
{
    auto id = env_value(env, "AWS_ACCESS_KEY_ID"), key = env_value(env, "AWS_SECRET_ACCESS_KEY");
    if (!id || !key)
        return std::nullopt;
    credentials c;
    c.keys = {*id, *key, env_value(env, "AWS_SESSION_TOKEN").value_or("")};
    return plan(keys_source{std::move(c)}, "environment");
}

// Keys written in one file's profile section.
std::optional<credentials> section_keys(const ini_section* s)
{
    if (!s)
        return std::nullopt;
    auto id = s->find("aws_access_key_id"), key = s->find("aws_secret_access_key");
    if (id == s->end() || key == s->end() || id->second.empty() || key->second.empty())
        return std::nullopt;
    credentials c;
    c.keys.access_key_id = id->second;
    c.keys.secret_access_key = key->second;
    if (auto t = s->find("aws_session_token"); t != s->end())
        c.keys.session_token = t->second;
    return c;
}

step_result profile_keys(const shared_files& f, const std::string& profile)
{
    if (auto c = section_keys(credentials_profile(f, profile)))
        return plan(keys_source{std::move(*c)}, "profile " + profile + " from " + f.credentials_path);
    if (auto c = section_keys(config_profile(f, profile)))
        return plan(keys_source{std::move(*c)}, "profile " + profile + " from " + f.config_path);
    return std::nullopt;
}

assume_role_params profile_role(const shared_files& f, const std::string& profile)
{
    return {profile_value(f, profile, "role_arn").value_or(""),
            profile_value(f, profile, "role_session_name").value_or(std::string(default_session)),
            profile_value(f, profile, "external_id")};
}

step_result container(const env_map& env)
{
    auto relative = env_value(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    auto full = env_value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!relative && !full)
        return std::nullopt;
    container_source c;
    c.url = relative ? std::string(ecs_agent) + *relative : *full;
    if (!relative)
        if (auto ok = check_container_url(c.url); !ok)
            return result<credential_plan>(ok.error());
    c.token_file = env_value(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (!c.token_file)
        c.token = env_value(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    auto what = c.token_file ? "container (EKS Pod Identity)" : "container (ECS)";
    return plan(std::move(c), what);
}

step_result instance_metadata(const env_map& env)
{
    if (env_value(env, "AWS_EC2_METADATA_DISABLED").value_or("") == "true")
        return std::nullopt;
    auto endpoint =
        env_value(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(std::string(imds_default_endpoint));
    while (endpoint.ends_with('/'))
        endpoint.pop_back();
    return plan(imds_source{std::move(endpoint)}, "instance metadata (IMDSv2)");
}

step_result web_identity(const env_map& env, const shared_files& f, const std::string& profile)
{
    auto file = env_value(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
    auto arn = env_value(env, "AWS_ROLE_ARN");
    if (!file || !arn)
    {
        file = profile_value(f, profile, "web_identity_token_file");
        arn = profile_value(f, profile, "role_arn");
    }
    if (!file || !arn)
        return std::nullopt;
    auto session =
        env_value(env, "AWS_ROLE_SESSION_NAME")
            .value_or(profile_value(f, profile, "role_session_name").value_or(std::string(default_session)));
    return plan(web_identity_source{*file, {*arn, session, std::nullopt}},
                "web identity (role " + *arn + ")");
}

result<credential_plan> source_of_profile(const env_map& env, const shared_files& f,
                                          const std::string& profile, int depth);

// A profile with role_arn and source_profile or credential_source: the source's plan plus an AssumeRole.
step_result assume_role_profile(const env_map& env, const shared_files& f, const std::string& profile,
                                int depth)
{
    if (!profile_value(f, profile, "role_arn"))
        return std::nullopt;
    auto source_profile = profile_value(f, profile, "source_profile");
    auto credential_source = profile_value(f, profile, "credential_source");
    if (!source_profile && !credential_source)
        return std::nullopt;  // role_arn alone: a web identity profile, or nothing
    result<credential_plan> base = make_error(errc::invalid_argument, "");
    if (source_profile)
        base = *source_profile == profile ? profile_keys(f, profile).value_or(base)
                                          : source_of_profile(env, f, *source_profile, depth + 1);
    else if (*credential_source == "Environment")
        base = environment(env).value_or(base);
    else if (*credential_source == "Ec2InstanceMetadata")
        base = *instance_metadata(env);
    else if (*credential_source == "EcsContainer")
        base = container(env).value_or(base);
    if (!base)
        return result<credential_plan>(make_error(
            errc::invalid_argument, "profile " + profile + ": its source (" +
                                        source_profile.value_or(credential_source.value_or("")) +
                                        ") gives no credentials" +
                                        (base.error().message.empty() ? "" : ": " + base.error().message)));
    auto role = profile_role(f, profile);
    base->description =
        "assume role " + role.role_arn + " (profile " + profile + ") over " + base->description;
    base->roles.push_back(std::move(role));
    return base;
}

result<credential_plan> source_of_profile(const env_map& env, const shared_files& f,
                                          const std::string& profile, int depth)
{
    if (depth > 4)
        return make_error(errc::invalid_argument,
                          "profile " + profile + ": source_profile chain too long or a loop");
    if (!has_profile(f, profile))
        return make_error(errc::invalid_argument, "profile " + profile + " is in neither " +
                                                      f.credentials_path + " nor " + f.config_path);
    if (auto p = assume_role_profile(env, f, profile, depth))
        return *p;
    if (auto p = profile_keys(f, profile))
        return *p;
    return make_error(errc::invalid_argument,
                      "profile " + profile + " has no keys and no role_arn with a source");
}

result<credential_plan> default_chain(const chain_settings& s, const env_map& env, const shared_files& f)
{
    if (!s.profile)
        if (auto p = environment(env))
            return *p;
    auto profile = s.profile.value_or(
        env_value(env, "AWS_PROFILE").value_or(env_value(env, "AWS_DEFAULT_PROFILE").value_or("default")));
    bool named = profile != "default";
    if (named && !has_profile(f, profile))
        return make_error(errc::invalid_argument, "profile " + profile + " is in neither " +
                                                      f.credentials_path + " nor " + f.config_path);
    for (auto* step :
         {+[](const env_map&e, const shared_files&fs, const std::string&p) {
              return assume_role_profile(e, fs, p, 0);
          },
          +[](const env_map&e, const shared_files&fs, const std::string&p) { return web_identity(e, fs, p); },
          +[](const env_map&, const shared_files&fs, const std::string&p) { return profile_keys(fs, p); },
          +[](const env_map&e, const shared_files&, const std::string&) { return container(e); },
          +[](const env_map&e, const shared_files&, const std::string&) { return instance_metadata(e); }})
        if (auto p = step(env, f, profile))
            return *p;
    return make_error(errc::invalid_argument,
                      "no AWS credentials: no keys in the config, the environment or profile " + profile +
                          ", no web identity, no container endpoint, and instance metadata is disabled");
}

}  // namespace

const std::vector<std::string_view>& chain_variables()
{
    static const std::vector<std::string_view> names{
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_CONFIG_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    };
    return names;
}

std::string credentials_file_path(const env_map& env, std::string_view home)
{
    return env_value(env, "AWS_SHARED_CREDENTIALS_FILE").value_or(std::string(home) + "/.aws/credentials");
}

std::string config_file_path(const env_map& env, std::string_view home)
{
    return env_value(env, "AWS_CONFIG_FILE").value_or(std::string(home) + "/.aws/config");
}

result<credential_plan> plan_credentials(const chain_settings& s, const env_map& env,
                                         const shared_files& files)
{
    result<credential_plan> p =
        s.static_keys ? result<credential_plan>(plan(keys_source{*s.static_keys}, "static keys"))
                      : default_chain(s, env, files);
    if (p && s.assume_role)
    {
        p->description = "assume role " + s.assume_role->role_arn + " over " + p->description;
        p->roles.push_back(*s.assume_role);
    }
    return p;
}

}  // namespace vk::cloud::aws
