#include "model/duplicates.h"

#include <gtest/gtest.h>

namespace kg {

namespace {

Item make(std::string path, std::string id, std::string uid) {
  Item i;
  i.path = std::move(path);
  i.product_root = "p";
  i.id = parse_id(id);
  i.uid = std::move(uid);
  return i;
}

const char* U1 = "019a0000-0000-7000-8000-000000000001";
const char* U2 = "019b0000-0000-7000-8000-000000000002";
const char* U3 = "019c0000-0000-7000-8000-000000000003";

}  // namespace

TEST(ModelDuplicates, NoneForSameUid) {
  std::vector<Item> items{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-1", U1)};
  auto groups = find_duplicates(items, nullptr);
  ASSERT_EQ(groups.size(), 1u);  // a copied file: a duplicate uid, not a duplicate ID
  EXPECT_EQ(groups[0].kind, DuplicateGroup::Kind::Uid);
}

TEST(ModelDuplicates, IntroducedVsExisting) {
  std::vector<Item> old{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-1", U2)};
  // Edit and rename of an old claimant: nothing introduced.
  std::vector<Item> renamed{make("a.md", "A-TSK-1", U1), make("c.md", "a-tsk-0001", U2)};
  auto g = find_duplicates(renamed, &old);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_FALSE(g[0].introduced);
  // A third claimant: introduced.
  std::vector<Item> third = renamed;
  third.push_back(make("d.md", "A-TSK-1", U3));
  g = find_duplicates(third, &old);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g[0].introduced);
  EXPECT_EQ(g[0].claimants.size(), 3u);
}

TEST(ModelDuplicates, UidlessRenameKeepsIdentityViaOrigin) {
  std::vector<Item> old{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-1", "")};
  std::vector<Item> now{make("a.md", "A-TSK-1", U1), make("z.md", "A-TSK-1", "")};
  EXPECT_TRUE(find_duplicates(now, &old)[0].introduced);
  now[1].origin_path = "b.md";
  EXPECT_FALSE(find_duplicates(now, &old)[0].introduced);
}

TEST(ModelDuplicates, CopiedFileIntroducesUidDuplicate) {
  std::vector<Item> old{make("a.md", "A-TSK-1", U1)};
  std::vector<Item> now{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-2", U1)};
  auto g = find_duplicates(now, &old);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].kind, DuplicateGroup::Kind::Uid);
  EXPECT_TRUE(g[0].introduced);
}

TEST(ModelDuplicates, KeeperRule) {
  std::vector<Item> items{make("c.md", "A-TSK-1", U3), make("a.md", "A-TSK-1", U2),
                          make("b.md", "A-TSK-1", "garbage")};
  auto g = find_duplicates(items, nullptr);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(keeper_of(g[0])->path, "a.md");
  // Same timestamp: the smaller uid keeps it.
  std::vector<Item> tie{make("x.md", "A-TSK-2", "019a0000-0000-7000-8000-00000000000f"),
                        make("y.md", "A-TSK-2", "019a0000-0000-7000-8000-000000000001")};
  EXPECT_EQ(keeper_of(find_duplicates(tie, nullptr)[0])->path, "y.md");
}

}  // namespace kg
