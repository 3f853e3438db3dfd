#include "model/uuid7.h"

#include <gtest/gtest.h>

#include <set>

namespace kg {

TEST(ModelUuid7, Valid) {
  const char* u = "019a2b3c-4d5e-7f00-8abc-0123456789ab";
  EXPECT_TRUE(is_uuid7(u));
  EXPECT_EQ(*uuid7_millis(u), 0x019a2b3c4d5eLL);
  EXPECT_EQ(uuid7_time_text("00000000-0001-7000-8000-000000000000"), "1970-01-01 00:00:00 UTC");
}

TEST(ModelUuid7, Invalid) {
  EXPECT_FALSE(is_uuid7("019a2b3c-4d5e-4f00-8abc-0123456789ab"));  // v4
  EXPECT_FALSE(is_uuid7("019A2B3C-4D5E-7F00-8ABC-0123456789AB"));  // upper case
  EXPECT_FALSE(is_uuid7("00000000-0000-7000-8000-000000000000"));  // zero time
  EXPECT_FALSE(is_uuid7("00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(is_uuid7("not-a-uuid"));
  EXPECT_FALSE(is_uuid7("019a2b3c-4d5e-7f00-cabc-0123456789ab"));  // variant
  EXPECT_FALSE(uuid7_millis("zzzz"));
}

TEST(ModelUuid7, Generates) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string u = new_uuid7();
    EXPECT_TRUE(is_uuid7(u)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace kg
