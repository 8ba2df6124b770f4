// Just enough XML for object-store answers: parse a document, check its root element, read child texts by
// dotted path ("Properties.Content-Length") and iterate repeated elements. Over Boost.PropertyTree.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_XML_READER_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_XML_READER_HPP

#include "core/error.hpp"

#include <boost/property_tree/ptree.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::cloud::xml {

class node
{
public:
    node(std::shared_ptr<const boost::property_tree::ptree> doc, const boost::property_tree::ptree* at)
        : doc_(std::move(doc)),
          at_(at)
    {
    }
    // The text of the element at `path` below this one, "" when absent.
    std::string text(std::string_view path) const;
    std::optional<std::uint64_t> number(std::string_view path) const;
    // The elements at `path` ("Blobs.Blob": every Blob inside Blobs), in document order.
    std::vector<node> children(std::string_view path) const;

private:
    std::shared_ptr<const boost::property_tree::ptree> doc_;  // keeps the tree alive
    const boost::property_tree::ptree* at_;
};

// The root element named `root`; errc::bad_response when the text is not XML or has another root.
result<node> parse(std::string_view text, std::string_view root);

// The <Code> of an <Error> document (S3, GCS and Azure errors; S3 may answer 200 with one), if the body is
// one; never the message, which may echo request details.
std::optional<std::string> error_code(std::string_view text);

// Escapes & < > " ' for element text.
std::string escape(std::string_view s);

}  // namespace vk::cloud::xml

#endif
