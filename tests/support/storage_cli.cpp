// snapshot-storage-cli: one snapshot_storage operation against a real object store or emulator, for the
// storage tests (tests/integration/test_snapshot_storages.py with s3rver and azurite).
//   snapshot-storage-cli CONFIG upload FILE OBJECT SHA256 | list | remove OBJECT | download OBJECT TO
// CONFIG is a JSON file: {"type": "s3"|"gcs"|"azure", "part_size": bytes, "page_size": n,
// "upload_concurrency": n (s3, azure), and the storage's
// settings keys: bucket, region, endpoint, force_path_style, key_prefix, sse_type, kms_key_id, access_key_id,
// secret_access_key, session_token (s3; without keys, the AWS default chain), hmac_access_id, hmac_secret
// (gcs), account_name, account_key, container (azure)}. list prints one JSON object per line.
// Exit 0 on success; 1 with "error: <description>" on stderr. With VK_REPORT_RSS set, the process's peak
// resident memory goes to stderr at the end ("peak_rss_kib N", VmHWM: this program's own, not inherited).
#include "snapshot/azure_storage.hpp"
#include "snapshot/s3_storage.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <iterator>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace vk::snapshot;

namespace {

std::string str(const json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<vk::secret> opt_secret(const json::object& o, std::string_view key)
{
    if (!o.contains(key))
        return std::nullopt;
    return vk::secret(str(o, key));
}

std::unique_ptr<snapshot_storage> make(const json::object& o, asio::any_io_executor ex)
{
    object_store_options opts;
    if (auto* p = o.if_contains("part_size"))
        opts.part_size = p->to_number<std::uint64_t>();
    if (auto* p = o.if_contains("page_size"))
        opts.list_page_size = p->to_number<unsigned>();
    const unsigned concurrency =
        o.contains("upload_concurrency") ? o.at("upload_concurrency").to_number<unsigned>() : 4;
    auto type = str(o, "type");
    if (type == "azure")
    {
        azure_storage_settings s{"azure",
                                 str(o, "account_name"),
                                 vk::secret(str(o, "account_key")),
                                 str(o, "container"),
                                 str(o, "endpoint"),
                                 str(o, "key_prefix")};
        s.upload_concurrency = concurrency;
        return make_azure_storage(s, ex, opts);
    }
    if (type == "gcs")
    {
        gcs_storage_settings s{"gcs",
                               str(o, "bucket"),
                               vk::secret(str(o, "hmac_access_id")),
                               vk::secret(str(o, "hmac_secret")),
                               str(o, "endpoint"),
                               str(o, "key_prefix")};
        return make_gcs_storage(s, ex, opts);
    }
    s3_storage_settings s;
    s.name = "s3";
    s.bucket = str(o, "bucket");
    if (auto r = str(o, "region"); !r.empty())
        s.region = r;
    s.endpoint = str(o, "endpoint");
    s.force_path_style = o.contains("force_path_style") && o.at("force_path_style").as_bool();
    s.key_prefix = str(o, "key_prefix");
    s.server_side_encryption = {str(o, "sse_type"), str(o, "kms_key_id")};
    s.access_key_id = opt_secret(o, "access_key_id");
    s.secret_access_key = opt_secret(o, "secret_access_key");
    s.session_token = opt_secret(o, "session_token");
    s.upload_concurrency = concurrency;
    return make_s3_storage(s, ex, opts);
}

asio::awaitable<vk::result<void>> run(snapshot_storage& st, std::vector<std::string> args)
{
    const auto& cmd = args.at(0);
    if (cmd == "upload")
        co_return co_await st.upload(args.at(1), args.at(2), args.at(3));
    if (cmd == "remove")
        co_return co_await st.remove(args.at(1));
    if (cmd == "download")
        co_return co_await st.download(args.at(1), args.at(2));
    auto listed = co_await st.list();
    if (!listed)
        co_return listed.error();
    for (const auto& s : *listed)
    {
        json::object line{
            {"name", s.name},
            {"size", s.size},
            {"time",
             std::chrono::duration_cast<std::chrono::milliseconds>(s.time.time_since_epoch()).count()}};
        if (s.sha256)
            line["sha256"] = *s.sha256;
        std::cout << json::serialize(line) << "\n";
    }
    co_return vk::result<void>{};
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
    {
        std::cerr << "usage: snapshot-storage-cli CONFIG upload FILE OBJECT SHA256 | list | remove OBJECT | "
                     "download OBJECT TO\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto config = json::parse(text).as_object();
    asio::io_context ioc;
    auto storage = make(config, ioc.get_executor());
    std::vector<std::string> args(argv + 2, argv + argc);
    int code = 1;
    asio::co_spawn(ioc, run(*storage, std::move(args)), [&](std::exception_ptr e, vk::result<void> r) {
        if (e)
            std::rethrow_exception(e);
        if (!r)
            std::cerr << "error: " << r.error().describe() << "\n";
        code = r ? 0 : 1;
    });
    ioc.run();
    if (std::getenv("VK_REPORT_RSS"))
    {
        std::ifstream status("/proc/self/status");
        for (std::string line; std::getline(status, line);)
            if (line.starts_with("VmHWM:"))
                std::cerr << "peak_rss_kib " << std::stoul(line.substr(6)) << "\n";
    }
    return code;
}
