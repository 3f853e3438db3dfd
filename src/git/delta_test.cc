#include "git/delta.h"

#include <gtest/gtest.h>

#include <string>

namespace kg {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out += static_cast<char>(b);
  return out;
}

TEST(Delta, CopiesAndInserts) {
  const std::string base = "hello, world";
  // base size 12, result size 11; copy "hello" (offset 0, size 5), insert
  // " git", copy "ld" (offset 10, size 2).
  const std::string delta = bytes({12, 11, 0x90, 5}) + bytes({4}) + " git" + bytes({0x91, 10, 2});
  std::string out;
  ASSERT_TRUE(apply_delta(base, delta, out));
  EXPECT_EQ(out, "hello gitld");
}

TEST(Delta, SizeZeroMeansSixtyFourKibibytes) {
  const std::string base(0x10000 + 7, 'x');
  // base size and result size as 7-bit groups; copy with no size bytes.
  const std::string delta = bytes({0x87, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80});
  std::string out;
  ASSERT_TRUE(apply_delta(base, delta, out));
  EXPECT_EQ(out.size(), 0x10000u);
}

TEST(Delta, RefusesMalformedDeltas) {
  const std::string base = "hello";
  std::string out;
  EXPECT_FALSE(apply_delta(base, bytes({4, 5, 0x90, 5}), out)) << "base size differs";
  EXPECT_FALSE(apply_delta(base, bytes({5, 6, 0x90, 5}), out)) << "result shorter than its header";
  EXPECT_FALSE(apply_delta(base, bytes({5, 5, 0x90, 6}), out)) << "copy past the base";
  EXPECT_FALSE(apply_delta(base, bytes({5, 2, 0x90, 5}), out)) << "copy past the result";
  EXPECT_FALSE(apply_delta(base, bytes({5, 3, 3, 'a'}), out)) << "insert past the delta";
  EXPECT_FALSE(apply_delta(base, bytes({5, 1, 0}), out)) << "reserved instruction";
  EXPECT_FALSE(apply_delta(base, bytes({5, 1, 0x91}), out)) << "truncated copy";
  EXPECT_FALSE(apply_delta(base, bytes({0x85}), out)) << "truncated header";
  EXPECT_TRUE(apply_delta(base, bytes({5, 0}), out));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace kg
