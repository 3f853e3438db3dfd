#include "util/build_fingerprint.h"

#include <gtest/gtest.h>

namespace kg {
namespace {

TEST(CacheFingerprint, IsTheGeneratedHashAndSeparatesCaches) {
  EXPECT_EQ(build_fingerprint().size(), 64u);
  EXPECT_EQ(build_fingerprint().find_first_not_of("0123456789abcdef"), std::string_view::npos);
  const int32_t facts = cache_user_version("facts");
  EXPECT_GT(facts, 0);
  EXPECT_EQ(facts, cache_user_version("facts"));
  EXPECT_NE(facts, cache_user_version("claims"));
}

}  // namespace
}  // namespace kg
