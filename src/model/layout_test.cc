#include "model/layout.h"

#include <gtest/gtest.h>

namespace kg {

TEST(ModelLayout, Classify) {
  EXPECT_EQ(classify("items/task/0000/KABSD-TSK-0001_x.md"), Entry::Item);
  EXPECT_EQ(classify("items/tasks/KABSD-TSK-0001_x.md"), Entry::Item);
  EXPECT_EQ(classify("items/whatever/deep/er/KABSD-BUG-0001_x.MD"), Entry::Item);
  EXPECT_EQ(classify("decisions/ADR-0001_x.md"), Entry::Adr);
  EXPECT_EQ(classify("items/task/README.md"), Entry::None);
  EXPECT_EQ(classify("items/task/readme.md"), Entry::None);
  EXPECT_EQ(classify("items/task/task.index.md"), Entry::None);
  EXPECT_EQ(classify("items/_trash/KABSD-TSK-0001_x.md"), Entry::None);
  EXPECT_EQ(classify("items/task/0000/KABSD-TSK-0001_x.txt"), Entry::None);
  EXPECT_EQ(classify("views/KABSD-TSK-0001_x.md"), Entry::None);
  EXPECT_EQ(classify("items"), Entry::None);
}

TEST(ModelLayout, Paths) {
  ItemId id{"KABSD", TypeCode::Task, 302};
  EXPECT_EQ(item_relpath(id, "fix-it"), "items/task/0300/KABSD-TSK-0302_fix-it.md");
  EXPECT_EQ(item_relpath(ItemId{"", TypeCode::Adr, 4}, "use-sqlite"), "decisions/ADR-0004_use-sqlite.md");
  EXPECT_EQ(slugify("Fix: the \"thing\" now!"), "fix-the-thing-now");
  EXPECT_EQ(slugify("!!!"), "item");
  EXPECT_EQ(slug_of("a/KABSD-TSK-0001_fix-it.md"), "fix-it");
  EXPECT_EQ(slug_of("KABSD-TSK-0001.md"), "");
}

}  // namespace kg
