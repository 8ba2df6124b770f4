#include "cloud/model/gcp_chain.hpp"

namespace vk::cloud::gcp {
namespace {

std::string env_value(const env_map& env, std::string_view name)
{
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
}

result<token_plan> from_key_file(const std::string& path, const file_reader& read)
{
    auto text = read(path);
    if (!text)
        return make_error(errc::invalid_argument, "cannot read the service account key file " + path);
    auto key = parse_service_account_key(*text, path);
    if (!key)
        return key.error();
    auto description = "service account key file " + path + " (" + key->client_email + ")";
    return token_plan{key_file_source{std::move(*key)}, std::move(description)};
}

// "host" of "host[:port]" ("[::1]" kept whole).
std::string_view host_part(std::string_view host_port)
{
    auto colon = host_port.rfind(':');
    if (colon == std::string_view::npos || host_port.find(']', colon) != std::string_view::npos)
        return host_port;
    return host_port.substr(0, colon);
}

}  // namespace

const std::vector<std::string_view>& chain_variables()
{
    static const std::vector<std::string_view> names = {"GOOGLE_APPLICATION_CREDENTIALS", "GCE_METADATA_HOST",
                                                        "GCE_METADATA_ROOT"};
    return names;
}

result<void> check_metadata_host(std::string_view host)
{
    auto h = host_part(host);
    if (h == default_metadata_host || h == "169.254.169.254" || h == "localhost" || h == "[::1]" ||
        h.starts_with("127."))
        return {};
    return make_error(errc::invalid_argument,
                      "metadata server " + std::string(host) +
                          ": tokens are fetched over plain http only from metadata.google.internal, "
                          "169.254.169.254 or loopback");
}

result<token_plan> plan_token_source(const std::optional<std::string>& key_file, const env_map& env,
                                     const file_reader& read)
{
    if (key_file)
        return from_key_file(*key_file, read);
    if (auto adc = env_value(env, "GOOGLE_APPLICATION_CREDENTIALS"); !adc.empty())
        return from_key_file(adc, read);
    auto host = env_value(env, "GCE_METADATA_HOST");
    if (host.empty())
        host = env_value(env, "GCE_METADATA_ROOT");
    if (host.empty())
        host = std::string(default_metadata_host);
    if (auto ok = check_metadata_host(host); !ok)
        return ok.error();
    auto origin = "http://" + host;
    return token_plan{metadata_source{origin}, "metadata server (" + origin + ")"};
}

}  // namespace vk::cloud::gcp
