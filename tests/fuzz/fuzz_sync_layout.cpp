// libFuzzer: the sync buckets and index as read back from Consul (anyone with Consul write access controls
// them). Property: a value or an error naming the key, never a throw, a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sync/model/bucket_json.hpp"
#include "sync/model/consul_layout.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)vk::sync::decode_bucket(text, "vsync/origin/0");
    (void)vk::sync::decode_index(text, "vsync/origin/index");
    // A whole layout: the input as the index and as bucket 0.
    std::map<std::string, std::string, std::less<>> kv{{"p/index", std::string(text)},
                                                       {"p/0", std::string(text)}};
    (void)vk::sync::from_kv("p/", kv);
    return 0;
}
