#include "store/claims_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "util/build_fingerprint.h"
#include "store/sqlite.h"
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

// A first build: rows streamed in any order replace what was there, with
// the same counts, highest numbers and lookups as rows put one by one.
TEST(ClaimIndex, ABulkLoadReplacesEverythingAndAnswersLikePuts) {
  TempDir dir;
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  index->put(row("old.md", "KG-TSK-0099", "u9", "KG", 99));
  EXPECT_THROW(index->load(row("x.md", "KG-TSK-0001", "u1", "KG", 1)), std::logic_error);
  index->begin_load();
  index->load(row("c.md", "KG-TSK-0002", "u3", "KG", 2));
  index->load(row("a.md", "KG-TSK-0001", "u1", "KG", 1));
  ClaimRow link;
  link.path = "l.md";
  link.root = "p";
  link.kind = ClaimRow::kSymlink;
  link.report = true;
  index->load(link);
  index->end_load();
  EXPECT_FALSE(index->get("old.md"));
  EXPECT_EQ(index->size(), 3u);
  EXPECT_EQ(index->item_count(), 2);  // the symlink is no item
  EXPECT_EQ((index->highest()[{"KG", "TSK"}]), 2);
  EXPECT_EQ(index->prefix_counts()["p"]["KG"], 2);
  EXPECT_EQ((index->key_counts()["p"][{"KG", "TSK"}]), 2);
  EXPECT_EQ(index->related({"KG-TSK-0002"}, {}, {}).size(), 1u);
  index->put(row("b.md", "KG-TSK-0003", "u2", "KG", 3));  // the indexes are back
  EXPECT_EQ((index->highest()[{"KG", "TSK"}]), 3);
}

// What a whole-tree check reads: rows sharing a claim or a uid, and rows
// reported on their own; nothing else, sorted by path.
TEST(ClaimIndex, CheckRowsAreSharedClaimsSharedUidsAndReports) {
  TempDir dir;
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  index->put(row("d.md", "KG-TSK-0001", "u1", "KG", 1));
  index->put(row("b.md", "KG-TSK-0001", "u2", "KG", 1));  // shares d's claim
  index->put(row("c.md", "KG-TSK-0002", "u1", "KG", 2));  // shares d's uid
  index->put(row("e.md", "KG-TSK-0003", "u3", "KG", 3));  // nothing to report
  ClaimRow warned = row("a.md", "KG-TSK-0004", "u4", "KG", 4);
  warned.report = true;
  index->put(warned);
  index->put(row("f.md", "", "", "", 0));  // no claim, no uid: empty keys are not shared
  index->put(row("g.md", "", "", "", 0));
  std::vector<std::string> paths;
  for (const ClaimRow& r : index->check_rows()) paths.push_back(r.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"a.md", "b.md", "c.md", "d.md"}));
  EXPECT_TRUE(index->check_rows().front().report);
}

// Rows written by another build (another fingerprint in user_version) may
// mean something else: the index starts over.
TEST(ClaimIndex, AnIndexOfAnotherBuildStartsOver) {
  TempDir dir;
  {
    auto index = ClaimIndex::open(dir.path().string());
    ASSERT_TRUE(index);
    index->set_state("tree-1");
    index->put(row("a.md", "KG-TSK-0001", "u1", "KG", 1));
  }
  const std::string file = (dir.path() / "kabsd-guard" / "cache-claims.sqlite3").string();
  Database(file, Database::Mode::ReadWriteCreate).exec("PRAGMA user_version=" +
                                                       std::to_string(cache_user_version("claims")));
  {
    auto index = ClaimIndex::open(dir.path().string());
    ASSERT_TRUE(index);
    EXPECT_EQ(index->state(), "tree-1") << "this build's own index is kept";
  }
  Database(file, Database::Mode::ReadWriteCreate).exec("PRAGMA user_version=" +
                                                       std::to_string(cache_user_version("facts")));
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  EXPECT_EQ(index->state(), "");
  EXPECT_EQ(index->size(), 0u);
}

// The IDs a file claims are rows of the child table `claims`, each with its
// source: they come back as they went in, and go with the file.
TEST(ClaimIndex, ClaimsAreChildRowsWithTheirSource) {
  TempDir dir;
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  ClaimRow r = row("a.md", "KG-TSK-0007", "u1", "", 0);
  r.numbers.push_back({"KG", "TSK", 7, 0});
  r.numbers.push_back({"KG", "TSK", 9, 1});  // its file name says KG-TSK-0009
  index->put(r);
  ASSERT_TRUE(index->get("a.md"));
  EXPECT_EQ(index->get("a.md")->numbers, r.numbers);
  EXPECT_EQ(index->related({"KG-TSK-0007"}, {}, {}).at(0).numbers, r.numbers);
  EXPECT_EQ((index->highest()[{"KG", "TSK"}]), 9);
  EXPECT_EQ((index->key_counts()["p"][{"KG", "TSK"}]), 2);
  index->remove("a.md");
  EXPECT_EQ(index->highest().count({"KG", "TSK"}), 0u);
  Database db((dir.path() / "kabsd-guard" / "cache-claims.sqlite3").string(), Database::Mode::ReadWriteCreate);
  index.reset();
  auto st = db.prepare("SELECT COUNT(*) FROM claims");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column_int64(0), 0) << "a removed file leaves no claim rows";
}

// An index written by an older build with another schema (the claims as
// fixed p1/n1, p2/n2 columns of `files`) is dropped by the build
// fingerprint and made again with this one's.
TEST(ClaimIndex, AnOlderSchemaIsReplaced) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "kabsd-guard");
  const std::string file = (dir.path() / "kabsd-guard" / "cache-claims.sqlite3").string();
  {
    Database old(file, Database::Mode::ReadWriteCreate);
    old.exec("CREATE TABLE files (path BLOB PRIMARY KEY, oid BLOB NOT NULL, root BLOB NOT NULL,"
             " kind INTEGER NOT NULL, claim BLOB NOT NULL, uid BLOB NOT NULL, prefix BLOB NOT NULL,"
             " p1 BLOB, t1 TEXT, n1 INTEGER, p2 BLOB, t2 TEXT, n2 INTEGER, report INTEGER NOT NULL) WITHOUT ROWID;"
             "CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
             "INSERT INTO meta VALUES ('state', 'tree-0');"
             "PRAGMA user_version=" + std::to_string(cache_user_version("claims") ^ 1));
  }
  auto index = ClaimIndex::open(dir.path().string());
  ASSERT_TRUE(index);
  EXPECT_EQ(index->state(), "");
  ClaimRow r = row("a.md", "KG-TSK-0003", "u1", "KG", 3);
  index->put(r);
  EXPECT_EQ(index->get("a.md")->numbers, r.numbers);
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
