// Writing and reading the vsync Consul layout (see consul_layout.hpp).
#include "sync/model/consul_layout.hpp"

#include "sync/model/bucket_id.hpp"
#include "sync/model/bucket_json.hpp"
#include "sync/model/go_format.hpp"

#include <boost/json/parse.hpp>

namespace vk::sync {

std::string bucket_key(std::string_view prefix, std::size_t i)
{
    return std::string(prefix) + std::to_string(i);
}

std::string index_key(std::string_view prefix)
{
    return std::string(prefix) + "index";
}

std::string encode_index(const std::vector<std::string>& index)
{
    std::string out = "[";
    for (std::size_t i = 0; i < index.size(); ++i)
    {
        if (i)
            out += ',';
        append_go_json_string(out, index[i]);
    }
    out += ']';
    return out;
}

result<std::vector<std::string>> decode_index(std::string_view json, std::string_view key)
{
    const auto bad = [&](std::string what) {
        return make_error(errc::bad_response, std::move(what), {}, std::string(key));
    };
    boost::system::error_code ec;
    const auto v = boost::json::parse(json, ec);
    if (ec)
        return bad("index is not valid JSON: " + ec.message());
    const auto* arr = v.if_array();
    if (!arr)
        return bad("index is not a JSON array");
    if (!check_bucket_count(arr->size()))
        return bad("index has " + std::to_string(arr->size()) + " entries; 1..65535 expected");
    std::vector<std::string> out;
    out.reserve(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i)
    {
        const auto* s = (*arr)[i].if_string();
        if (!s)
            return bad("index entry " + std::to_string(i) + " is not a string");
        out.emplace_back(*s);
    }
    return out;
}

std::vector<kv_pair> to_kv(sync_info& info, std::string_view prefix)
{
    info.reindex();
    std::vector<kv_pair> out;
    out.reserve(info.bucket_count() + 1u);
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        out.push_back({bucket_key(prefix, i), encode_bucket(info.bucket_at(i))});
    out.push_back({index_key(prefix), encode_index(info.index())});
    return out;
}

std::vector<std::size_t> torn_buckets(sync_info& info, const std::vector<std::string>& read_index)
{
    info.reindex();
    const auto& index = info.index();
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < index.size(); ++i)
        if (read_index.size() != index.size() || index[i] != read_index[i])
            out.push_back(i);
    return out;
}

result<loaded_info> from_kv(std::string_view prefix,
                            const std::map<std::string, std::string, std::less<>>& kv)
{
    return from_kv(prefix, [&](std::string_view key) -> const std::string* {
        auto it = kv.find(key);
        return it == kv.end() ? nullptr : &it->second;
    });
}

}  // namespace vk::sync
