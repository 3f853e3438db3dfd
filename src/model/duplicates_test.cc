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
  settle_claims(i);
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

TEST(ModelDuplicates, UidlessRenameKeepsIdentityThroughRenames) {
  std::vector<Item> old{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-1", "")};
  std::vector<Item> now{make("a.md", "A-TSK-1", U1), make("z.md", "A-TSK-1", "")};
  EXPECT_TRUE(find_duplicates(now, &old)[0].introduced);
  const Renames renames{{"z.md", "b.md"}};
  EXPECT_FALSE(find_duplicates(now, &old, &renames)[0].introduced);
  // Asked for only when something looks introduced.
  int asked = 0;
  auto ask = [&] { ++asked; return renames; };
  EXPECT_FALSE(find_duplicates(now, &old, std::function<Renames()>(ask))[0].introduced);
  EXPECT_EQ(asked, 1);
  EXPECT_FALSE(find_duplicates(old, &old, std::function<Renames()>(ask))[0].introduced);
  EXPECT_EQ(asked, 1);
}

// Identity follows the file (issue 12): a uid added to, changed in or
// removed from an old claimant introduces nothing.
TEST(ModelDuplicates, UidBackfillMigrationAndRemovalIntroduceNothing) {
  std::vector<Item> old{make("a.md", "A-TSK-1", ""), make("b.md", "A-TSK-1", "")};
  std::vector<Item> backfilled{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-1", U2)};
  auto g = find_duplicates(backfilled, &old);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_FALSE(g[0].introduced);
  std::vector<Item> migrated{make("a.md", "A-TSK-1", U3), make("b.md", "A-TSK-1", U2)};
  EXPECT_FALSE(find_duplicates(migrated, &backfilled)[0].introduced);
  std::vector<Item> removed{make("a.md", "A-TSK-1", ""), make("b.md", "A-TSK-1", U2)};
  EXPECT_FALSE(find_duplicates(removed, &migrated)[0].introduced);
  // Moved and given a new uid at once: new by uid and by path unless the
  // rename is known.
  std::vector<Item> moved{make("z.md", "A-TSK-1", U3), make("b.md", "A-TSK-1", U2)};
  EXPECT_TRUE(find_duplicates(moved, &old)[0].introduced);
  const Renames renames{{"z.md", "a.md"}};
  EXPECT_FALSE(find_duplicates(moved, &old, &renames)[0].introduced);
}

TEST(ModelDuplicates, ANewClaimantIsNewByUidAndByFile) {
  std::vector<Item> old{make("a.md", "A-TSK-1", U1)};
  // A new file with a new uid: introduced.
  std::vector<Item> now{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-1", U2)};
  EXPECT_TRUE(find_duplicates(now, &old)[0].introduced);
  // An old file whose id is edited to an ID that another file claims: its
  // path and uid claimed another ID before, so it is new here.
  std::vector<Item> before{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-2", U2)};
  EXPECT_TRUE(find_duplicates(now, &before)[0].introduced);
  // The same uid at a new path (a move): old.
  std::vector<Item> was{make("a.md", "A-TSK-1", U1), make("c.md", "A-TSK-1", U2)};
  EXPECT_FALSE(find_duplicates(now, &was)[0].introduced);
  // One old file split in two: its uid moved to a new file, its path given
  // another uid (a resolved add/add conflict). Each old claimant vouches
  // for one.
  std::vector<Item> one{make("a.md", "A-TSK-1", U2)};
  std::vector<Item> split{make("a.md", "A-TSK-1", U1), make("b.md", "A-TSK-1", U2)};
  EXPECT_TRUE(find_duplicates(split, &one)[0].introduced);
  // Two files swapping their contents: both old.
  std::vector<Item> swapped{make("a.md", "A-TSK-1", U2), make("c.md", "A-TSK-1", U1)};
  EXPECT_FALSE(find_duplicates(swapped, &was)[0].introduced);
  // Case of a uid does not matter.
  std::vector<Item> upper{make("a.md", "A-TSK-1", U1), make("c.md", "A-TSK-1", "019B0000-0000-7000-8000-000000000002")};
  EXPECT_FALSE(find_duplicates(now, &upper)[0].introduced);
}

TEST(ModelDuplicates, DocumentsClaimNothing) {
  std::vector<Item> old{make("a.md", "A-TSK-1", U1)};
  std::vector<Item> now{make("a.md", "A-TSK-1", U1), make("A-TSK-0001_GUIDE.md", "A-TSK-1", "")};
  now[1].id.reset();
  now[1].filename_id = parse_id("A-TSK-1");
  settle_claims(now[1]);
  EXPECT_EQ(find_duplicates(now, &old).size(), 1u);  // an item without frontmatter id claims its name
  now[1].document = true;
  settle_claims(now[1]);
  EXPECT_TRUE(find_duplicates(now, &old).empty());
  EXPECT_TRUE(find_duplicates(now, nullptr).empty());
  EXPECT_FALSE(now[1].claimed_id());
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
