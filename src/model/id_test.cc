#include "model/id.h"

#include <gtest/gtest.h>

namespace kg {

TEST(ModelId, ParsesCanonically) {
  auto id = parse_id("kabsd-tsk-302");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->display(), "KABSD-TSK-0302");
  EXPECT_EQ(*id, *parse_id("KABSD-TSK-0302"));
  EXPECT_EQ(parse_id("KABSD-TSK-12345")->display(), "KABSD-TSK-12345");
  EXPECT_EQ(parse_id("  'KA-EPIC-7' ")->display(), "KA-EPIC-0007");
}

TEST(ModelId, Adr) {
  auto id = parse_id("adr-12");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, TypeCode::Adr);
  EXPECT_EQ(id->display(), "ADR-0012");
  EXPECT_FALSE(parse_id("KABSD-ADR-0001"));
}

TEST(ModelId, Rejects) {
  for (const char* bad : {"", "null", "None", "KABSD-TSK", "KABSD-XYZ-0001", "KA BSD-TSK-1",
                          "KABSD-TSK-00a1", "-TSK-0001", "TSK-0001"})
    EXPECT_FALSE(parse_id(bad)) << bad;
}

TEST(ModelId, FilenameId) {
  EXPECT_EQ(parse_filename_id("KABSD-TSK-0005_fix-the-thing.md")->number, 5);
  EXPECT_EQ(parse_filename_id("a/b/KABSD-BUG-0001.md")->type, TypeCode::Bug);
  EXPECT_EQ(parse_filename_id("ADR-0003_use_sqlite.md")->display(), "ADR-0003");
  EXPECT_FALSE(parse_filename_id("notes_about_it.md"));
}

TEST(ModelId, TypeNames) {
  EXPECT_EQ(parse_type("tsk"), TypeCode::Task);
  EXPECT_EQ(parse_type("Task"), TypeCode::Task);
  EXPECT_EQ(parse_type("Story"), TypeCode::UserStory);
  EXPECT_EQ(parse_type("USERSTORY"), TypeCode::UserStory);
  EXPECT_EQ(parse_type("ftr"), TypeCode::Feature);
  EXPECT_EQ(parse_type("Epic"), TypeCode::Epic);
  EXPECT_EQ(parse_type("bug"), TypeCode::Bug);
  EXPECT_EQ(parse_type("ADR"), TypeCode::Adr);
  EXPECT_FALSE(parse_type("chore"));
}

TEST(ModelId, Buckets) {
  EXPECT_EQ(bucket_for(7), "0000");
  EXPECT_EQ(bucket_for(302), "0300");
  EXPECT_EQ(bucket_for(9999), "9900");
  EXPECT_EQ(bucket_for(10000), "10000");
}

}  // namespace kg
