#include "store/facts_cache.h"

#include <gtest/gtest.h>

#include <string>

#include "util/build_fingerprint.h"
#include "store/sqlite.h"
#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;

std::string oid_of(size_t i) {
  std::string oid(20, '\0');
  for (size_t b = 0; b < 8; ++b) oid[b] = static_cast<char>((i >> (8 * b)) & 0xFF);
  return oid;
}

FileFacts facts_with(size_t i) {
  FileFacts f;
  f.parsed = true;
  f.has_id_key = true;
  f.id = "KG-TSK-" + std::to_string(i);
  f.id_line = 2;
  f.uid = std::string(200, 'u') + std::to_string(i);  // makes a batch fill up sooner
  return f;
}

TEST(FactsCache, EncodingRoundTrips) {
  FileFacts f;
  f.error = "bad: \xff";
  f.error_line = 7;
  f.uid = "";
  EXPECT_EQ(decode_facts(encode_facts(f)), f);
  EXPECT_EQ(decode_facts(encode_facts(facts_with(3))), facts_with(3));
  EXPECT_FALSE(decode_facts(encode_facts(f).substr(0, 10)));
}

TEST(FactsCache, WhatWasPutIsThereAfterReopening) {
  TempDir dir;
  {
    auto cache = FactsCache::open(dir.path().string());
    ASSERT_TRUE(cache);
    cache->put_blob(oid_of(1), facts_with(1));
    EXPECT_EQ(cache->blob(oid_of(1)), facts_with(1));
    EXPECT_FALSE(cache->blob(oid_of(2)));
  }
  auto again = FactsCache::open(dir.path().string());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->blob(oid_of(1)), facts_with(1));
}

// Rows written by another build (another fingerprint in user_version) may
// mean something else: they are dropped, not read.
TEST(FactsCache, ACacheOfAnotherBuildIsDropped) {
  TempDir dir;
  {
    auto cache = FactsCache::open(dir.path().string());
    ASSERT_TRUE(cache);
    cache->put_blob(oid_of(1), facts_with(1));
  }
  const std::string file = (dir.path() / "kabsd-guard" / "cache.sqlite3").string();
  {
    Database db(file, Database::Mode::ReadWriteCreate);
    EXPECT_EQ(db.prepare("PRAGMA user_version").step() ? 1 : 0, 1);
    db.exec("PRAGMA user_version=" + std::to_string(cache_user_version("facts")));  // this build: kept
  }
  auto same = FactsCache::open(dir.path().string());
  ASSERT_TRUE(same);
  EXPECT_EQ(same->blob(oid_of(1)), facts_with(1));
  same.reset();
  {
    Database db(file, Database::Mode::ReadWriteCreate);
    db.exec("PRAGMA user_version=" + std::to_string(cache_user_version("facts") ^ 1));  // another build
  }
  auto other = FactsCache::open(dir.path().string());
  ASSERT_TRUE(other) << "a cache of another build is rebuilt, not given up";
  EXPECT_FALSE(other->blob(oid_of(1)));
}

// A first scan of a large backlog adds more than it should hold: the
// entries go to the database on the way (another connection sees them
// before flush), and every one reads back right past the memo's limit.
TEST(FactsCache, LargeScansWriteOnTheWayAndStayRight) {
  TempDir dir;
  auto cache = FactsCache::open(dir.path().string());
  ASSERT_TRUE(cache);
  constexpr size_t kCount = 20000;  // past the memo's limit; ~5 MB encoded
  for (size_t i = 0; i < kCount; ++i) cache->put_blob(oid_of(i), facts_with(i));
  {
    auto other = FactsCache::open(dir.path().string());
    ASSERT_TRUE(other);
    EXPECT_EQ(other->blob(oid_of(0)), facts_with(0));
    EXPECT_EQ(other->blob(oid_of(kCount / 2)), facts_with(kCount / 2));
  }
  cache->put_blob(oid_of(5), facts_with(5));  // a repeat changes nothing
  cache->flush();
  for (size_t i = 0; i < kCount; i += 997) EXPECT_EQ(cache->blob(oid_of(i)), facts_with(i)) << i;
  auto again = FactsCache::open(dir.path().string());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->blob(oid_of(kCount - 1)), facts_with(kCount - 1));
  EXPECT_EQ(again->blob(oid_of(5)), facts_with(5));
}

}  // namespace
}  // namespace kg
