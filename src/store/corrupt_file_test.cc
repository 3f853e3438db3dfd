#include "store/corrupt_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;
namespace fs = std::filesystem;

TEST(StoreCorruptFile, MovesTheFileAndItsCompanions) {
  TempDir tmp;
  std::string db = tmp / "chunks.db";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) store_test::write_file(db + suffix, suffix);
  auto moved = move_aside_corrupt(db, identify_file(db));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->rfind(db + ".corrupt-", 0), 0u) << *moved;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    EXPECT_FALSE(fs::exists(db + suffix)) << suffix;
    EXPECT_EQ(store_test::read_file(*moved + suffix), suffix);
  }
}

TEST(StoreCorruptFile, LeavesAReplacementAlone) {
  TempDir tmp;
  std::string db = tmp / "chunks.db";
  store_test::write_file(db, "corrupt");
  auto seen = identify_file(db);
  // Another process moved the corrupt file aside and created a fresh one.
  fs::rename(db, db + ".elsewhere");
  store_test::write_file(db, "fresh");
  EXPECT_EQ(move_aside_corrupt(db, seen), std::nullopt);
  EXPECT_EQ(store_test::read_file(db), "fresh");
}

TEST(StoreCorruptFile, MissingFileMovesNothing) {
  TempDir tmp;
  EXPECT_EQ(identify_file(tmp / "none"), std::nullopt);
  EXPECT_EQ(move_aside_corrupt(tmp / "none", std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace kg
