#include "store/claims_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/store_test_support.h"
#include "util/scoped_env.h"

namespace kg {
namespace {

using store_test::TempDir;

ClaimRow row(std::string path, std::string claim, std::string uid, std::string prefix, int64_t n,
             std::string root = "p") {
  ClaimRow r;
  r.path = std::move(path);
  r.oid = std::string(20, 'x');
  r.root = std::move(root);
  r.claim = claim;
  r.uid = std::move(uid);
  r.prefix = prefix;
  if (!prefix.empty()) r.numbers.push_back({prefix, "TSK", n});
  return r;
}

TEST(ClaimIndex, FindsClaimantsByClaimUidAndPath) {
  TempDir dir;
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  index->put(row("a.md", "KG-TSK-0001", "u1", "KG", 1));
  index->put(row("b.md", "KG-TSK-0001", "u2", "KG", 1));
  index->put(row("c.md", "KG-TSK-0002", "u3", "KG", 2));
  auto rows = index->related({"KG-TSK-0001"}, {"u3"}, {"zzz.md"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].path, "a.md");
  EXPECT_EQ(rows[2].path, "c.md");
  EXPECT_EQ(index->related({}, {}, {"b.md"}).size(), 1u);
  EXPECT_TRUE(index->related({"KG-TSK-0009"}, {""}, {}).empty());
}

TEST(ClaimIndex, HighestAndCountsFollowPutsAndRemovals) {
  TempDir dir;
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  index->put(row("a.md", "KG-TSK-0007", "u1", "KG", 7));
  index->put(row("b.md", "OLD-TSK-0003", "u2", "OLD", 3));
  ClaimRow adr = row("d.md", "p:ADR-0004", "u3", "", 0);
  adr.kind = 1;
  adr.numbers.push_back({"@p", "ADR", 4});
  index->put(adr);
  auto highest = index->highest();
  EXPECT_EQ((highest[{"KG", "TSK"}]), 7);
  EXPECT_EQ((highest[{"OLD", "TSK"}]), 3);
  EXPECT_EQ((highest[{"@p", "ADR"}]), 4);
  EXPECT_EQ(index->prefix_counts()["p"]["KG"], 1);
  EXPECT_EQ((index->key_counts()["p"][{"OLD", "TSK"}]), 1);

  index->remove("a.md");
  index->put(row("b.md", "KG-TSK-0005", "u2", "KG", 5));  // replaces the row at b.md
  highest = index->highest();
  EXPECT_EQ((highest[{"KG", "TSK"}]), 5);
  EXPECT_EQ(highest.count({"OLD", "TSK"}), 0u);
  EXPECT_EQ(index->prefix_counts()["p"].count("OLD"), 0u);
  EXPECT_EQ(index->size(), 2u);
}

TEST(ClaimIndex, StateAndMemoSurviveReopeningAndTheMemoDiesWithTheState) {
  TempDir dir;
  {
    auto index = ClaimIndex::open(dir.path().string());
    ASSERT_TRUE(index);
    EXPECT_EQ(index->state(), "");
    index->set_state("tree-1");
    index->put(row("a.md", "KG-TSK-0001", "u1", "KG", 1));
    index->put_memo("ref x", "bytes");
  }
  {
    auto index = ClaimIndex::open(dir.path().string());
    ASSERT_TRUE(index);
    EXPECT_EQ(index->state(), "tree-1");
    EXPECT_EQ(index->memo("ref x").value_or(""), "bytes");
    EXPECT_EQ(index->size(), 1u);
    index->set_state("tree-2");
    EXPECT_FALSE(index->memo("ref x"));
    index->clear();
    EXPECT_EQ(index->state(), "");
    EXPECT_EQ(index->size(), 0u);
  }
}

TEST(ClaimIndex, ACorruptFileIsReplacedAndNoCacheTurnsItOff) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "kabsd-guard");
  {
    std::ofstream junk(dir.path() / "kabsd-guard" / "cache-claims.sqlite3", std::ios::binary);
    junk << std::string(8192, '\x5a');
  }
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  EXPECT_EQ(index->size(), 0u);
  index.reset();
  ScopedEnv off("KABSD_GUARD_NO_CACHE", std::string("1"));
  EXPECT_FALSE(ClaimIndex::open(dir.path().string()));
}

TEST(ClaimIndex, PathsAreBytes) {
  TempDir dir;
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  std::string odd = std::string("caf\xe9\x00x.md", 8);
  index->put(row(odd, "KG-TSK-0001", "u1", "KG", 1));
  ASSERT_TRUE(index->get(odd));
  EXPECT_EQ(index->get(odd)->path, odd);
}

}  // namespace
}  // namespace kg
