#include "util/paths.h"

#include <gtest/gtest.h>

#include "util/strings.h"

namespace kg {

TEST(UtilPaths, Join) {
  EXPECT_EQ(path_join("", "_kano/backlog"), "_kano/backlog");
  EXPECT_EQ(path_join("sub", "./_kano/x/"), "sub/_kano/x");
  EXPECT_EQ(path_join("a/b", "../c"), "a/c");
  EXPECT_EQ(path_join("a", "/abs/x"), "/abs/x");
  EXPECT_EQ(path_normalize("../x"), "../x");
}

TEST(UtilPaths, Within) {
  EXPECT_TRUE(path_within("a/b/c", "a/b"));
  EXPECT_FALSE(path_within("a/bc", "a/b"));
  EXPECT_TRUE(path_within("x", ""));
  EXPECT_EQ(path_relative("a/b/c", "a"), "b/c");
}

TEST(UtilStrings, Utf8) {
  EXPECT_TRUE(is_utf8("plain"));
  EXPECT_TRUE(is_utf8("caf\xC3\xA9"));
  EXPECT_FALSE(is_utf8("caf\xE9"));
  EXPECT_FALSE(is_utf8("\xC3"));
  EXPECT_EQ(zero_pad(7, 4), "0007");
}

TEST(UtilPaths, AncestorsRunUpToTheRoot) {
  EXPECT_EQ(path_ancestors("a/b/c"), (std::vector<std::string>{"a/b/c", "a/b", "a", ""}));
  EXPECT_EQ(path_ancestors("a//b/"), (std::vector<std::string>{"a/b", "a", ""}));
  EXPECT_EQ(path_ancestors(""), (std::vector<std::string>{""}));
}

}  // namespace kg
