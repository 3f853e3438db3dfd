#include "model/claims.h"

#include <gtest/gtest.h>

#include "model/item.h"

namespace kg {
namespace {

FileFacts facts(std::string id, std::string uid) {
  FileFacts f;
  f.parsed = true;
  f.has_id_key = true;
  f.id = std::move(id);
  f.uid = std::move(uid);
  return f;
}

TEST(ModelClaims, FrontmatterAndFileNameWithTheirSources) {
  Item item = make_item("p/items/task/0000/KG-TSK-0009_x.md", "p", false, facts("kg-tsk-7", " 019A0000-0000-7000-8000-000000000001 "));
  const Claims& c = item.claims;
  ASSERT_EQ(c.ids.size(), 2u);
  EXPECT_EQ(c.ids[0], (ClaimedId{*parse_id("KG-TSK-0007"), ClaimSource::Frontmatter}));
  EXPECT_EQ(c.ids[1], (ClaimedId{*parse_id("KG-TSK-0009"), ClaimSource::FileName}));
  EXPECT_EQ(c.key, "KG-TSK-0007") << "the frontmatter id is the one the duplicate rule reads";
  EXPECT_EQ(c.uid, "019a0000-0000-7000-8000-000000000001") << "trimmed, lower case";
  EXPECT_EQ(c.identity(item.path), "uid:019a0000-0000-7000-8000-000000000001");
  EXPECT_EQ(c.item_sequences(), (std::vector<ClaimSequence>{{"KG", "TSK"}}));
  auto numbers = c.numbers("p");
  ASSERT_EQ(numbers.size(), 2u);
  EXPECT_EQ(numbers[0].second, 7);
  EXPECT_EQ(numbers[1].second, 9);
  EXPECT_EQ(c.claimed_prefix(), "KG");
  EXPECT_EQ(item.claim_key(), c.key);
}

TEST(ModelClaims, WithoutAFrontmatterIdTheFileNameClaims) {
  FileFacts f = facts("", "");
  f.id.reset();
  f.uid.reset();
  Item item = make_item("p/items/bug/0000/OLD-BUG-0003_y.md", "p", false, f);
  EXPECT_EQ(item.claims.key, "OLD-BUG-0003");
  EXPECT_EQ(item.claims.uid, "");
  EXPECT_EQ(item.claims.identity(item.path), "path:p/items/bug/0000/OLD-BUG-0003_y.md");
  EXPECT_EQ(item.claims.claimed_prefix(), "OLD");
}

TEST(ModelClaims, ADocumentClaimsNoIdButItsNameCountsAsInUse) {
  FileFacts f;
  f.document = true;
  Item item = make_item("p/items/task/0000/KG-TSK-0096_GUIDE.md", "p", false, f);
  EXPECT_TRUE(item.claims.document);
  EXPECT_FALSE(item.claims.claimed());
  EXPECT_EQ(item.claims.key, "");
  EXPECT_EQ(item.claims.claimed_prefix(), "");
  ASSERT_EQ(item.claims.ids.size(), 1u);
  EXPECT_EQ(item.claims.ids[0].source, ClaimSource::FileName);
  EXPECT_EQ(item.claims.item_sequences(), (std::vector<ClaimSequence>{{"KG", "TSK"}}));
}

TEST(ModelClaims, DecisionsAreNumberedPerProduct) {
  Item item = make_item("p/decisions/ADR-0004_z.md", "p", true, facts("ADR-0004", ""));
  EXPECT_EQ(item.claims.key, "p:ADR-0004");
  EXPECT_TRUE(item.claims.item_sequences().empty());
  EXPECT_EQ(item.claims.claimed_prefix(), "");
  auto numbers = item.claims.numbers("p");
  ASSERT_EQ(numbers.size(), 2u);
  EXPECT_EQ(numbers[0].first, (ClaimSequence{"@p", "ADR"}));
}

TEST(ModelClaims, AnUnreadableFileClaimsItsName) {
  Item item = unreadable_item("p/items/task/0000/KG-TSK-0005_a.md", "p", false, "offline");
  EXPECT_TRUE(item.unreadable);
  EXPECT_EQ(item.claims.key, "KG-TSK-0005");
  ASSERT_EQ(item.findings.size(), 1u);
  EXPECT_EQ(item.findings[0].kind, "unreadable");
}

}  // namespace
}  // namespace kg
