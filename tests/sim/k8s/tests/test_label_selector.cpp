// Unit tests of k8s-sim's label selectors: equality, inequality, existence, sets, parse errors.
#include "label_selector.hpp"

#include <gtest/gtest.h>

using ksim::label_selector;

namespace {

bool selects(std::string_view text, const std::map<std::string, std::string>& labels)
{
    std::string error;
    auto sel = label_selector::parse(text, error);
    EXPECT_TRUE(sel.has_value()) << text << ": " << error;
    return sel && sel->matches(labels);
}

}  // namespace

TEST(k8s_label_selector, equality_and_inequality)
{
    const std::map<std::string, std::string> ours{{"app.kubernetes.io/managed-by", "vaultkeeper"},
                                                  {"set", "1"}};
    EXPECT_TRUE(selects("app.kubernetes.io/managed-by=vaultkeeper", ours));
    EXPECT_TRUE(selects("app.kubernetes.io/managed-by==vaultkeeper,set=1", ours));
    EXPECT_FALSE(selects("app.kubernetes.io/managed-by=helm", ours));
    EXPECT_FALSE(selects("set!=1", ours));
    // != also selects objects without the key.
    EXPECT_TRUE(selects("other!=x", ours));
    EXPECT_TRUE(selects("", ours));
}

TEST(k8s_label_selector, existence_and_sets)
{
    const std::map<std::string, std::string> labels{{"tier", "a"}};
    EXPECT_TRUE(selects("tier", labels));
    EXPECT_FALSE(selects("!tier", labels));
    EXPECT_TRUE(selects("!other", labels));
    EXPECT_TRUE(selects("tier in (a, b)", labels));
    EXPECT_FALSE(selects("tier notin (a,b)", labels));
    EXPECT_TRUE(selects("other notin (a)", labels));
    EXPECT_TRUE(selects("tier in (a,b),!other", labels));
}

TEST(k8s_label_selector, malformed_text_is_an_error)
{
    std::string error;
    EXPECT_FALSE(label_selector::parse("a b=c", error));
    EXPECT_TRUE(error.starts_with("unable to parse requirement: "));
    EXPECT_FALSE(label_selector::parse("tier in a", error));
    EXPECT_FALSE(label_selector::parse("=x", error));
}
