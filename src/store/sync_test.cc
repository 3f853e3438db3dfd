#include <gtest/gtest.h>

#include <filesystem>

#include "store/journal.h"
#include "store/reservation.h"
#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;
namespace fs = std::filesystem;

const SequenceKey kTask{"KABSD", "TSK"};
const SequenceKey kBug{"KABSD", "BUG"};

struct Paths {
  std::string journal_dir, db;
};

Paths paths_in(const TempDir& tmp) { return {tmp / "git", tmp / "cache/chunks.db"}; }

void reserve_up_to(const Paths& p, int64_t number) {
  ReserveRequest r;
  r.journal_dir = p.journal_dir;
  r.db_path = p.db;
  r.prefix = "KABSD";
  r.type_code = "TSK";
  r.floor = number - 1;
  ASSERT_EQ(reserve(r).first, number);
}

TEST(StoreSync, RaisesToTheHighestInTheFiles) {
  TempDir tmp;
  Paths p = paths_in(tmp);
  reserve_up_to(p, 3);
  SyncResult got = raise_all(p.journal_dir, p.db, {{kTask, 10}}, false);
  EXPECT_FALSE(got.dry_run);
  ASSERT_EQ(got.changes.count(kTask), 1u);
  EXPECT_EQ(got.changes[kTask].before, 3);
  EXPECT_EQ(got.changes[kTask].after, 10);
  EXPECT_EQ(read_stored(p.db).at(kTask), 10);
  // No gap: the Python tool's next number is 11, as is ours.
  EXPECT_EQ(store_test::run_sqlite3(p.db, store_test::python_reserve_sql("KABSD", "TSK"), tmp.path()), "11\n");
  reserve_up_to(p, 12);
}

TEST(StoreSync, NeverLowers) {
  TempDir tmp;
  Paths p = paths_in(tmp);
  reserve_up_to(p, 20);
  SyncResult got = raise_all(p.journal_dir, p.db, {{kTask, 10}}, false);
  EXPECT_EQ(got.changes[kTask].before, 20);
  EXPECT_EQ(got.changes[kTask].after, 20);
  EXPECT_EQ(read_stored(p.db).at(kTask), 20);
}

TEST(StoreSync, RaisesToTheJournal) {
  TempDir tmp;
  Paths p = paths_in(tmp);
  reserve_up_to(p, 30);
  fs::remove(p.db);  // rebuilt by the Python tool, say
  SyncResult got = raise_all(p.journal_dir, p.db, {{kTask, 10}}, false);
  EXPECT_EQ(got.changes[kTask].before, std::nullopt);
  EXPECT_EQ(got.changes[kTask].after, 30);
  EXPECT_EQ(read_stored(p.db).at(kTask), 30);
}

TEST(StoreSync, CreatesDatabaseTableAndMissingRows) {
  TempDir tmp;
  Paths p = paths_in(tmp);
  SyncResult got = raise_all(p.journal_dir, p.db, {{kTask, 5}, {kBug, 0}, {{"kabsd", "ftr"}, 2}}, false);
  EXPECT_EQ(got.changes.size(), 3u);
  auto stored = read_stored(p.db);
  EXPECT_EQ(stored.at(kTask), 5);
  EXPECT_EQ(stored.at(kBug), 0);  // the Python tool's next bug is then 1
  EXPECT_EQ(stored.at({"KABSD", "FTR"}), 2);  // stored upper-case
  EXPECT_EQ(store_test::run_sqlite3(p.db, store_test::python_reserve_sql("KABSD", "BUG"), tmp.path()), "1\n");
}

TEST(StoreSync, KeepsRowsTheFilesDoNotMention) {
  TempDir tmp;
  Paths p = paths_in(tmp);
  reserve_up_to(p, 4);
  SyncResult got = raise_all(p.journal_dir, p.db, {{kBug, 2}}, false);
  EXPECT_EQ(got.changes[kTask].before, 4);
  EXPECT_EQ(got.changes[kTask].after, 4);
  EXPECT_EQ(read_stored(p.db).at(kTask), 4);
  EXPECT_EQ(read_stored(p.db).at(kBug), 2);
}

TEST(StoreSync, DryRunCreatesNothing) {
  TempDir tmp;
  Paths p = paths_in(tmp);
  SyncResult got = raise_all(p.journal_dir, p.db, {{kTask, 5}}, true);
  EXPECT_TRUE(got.dry_run);
  EXPECT_EQ(got.changes[kTask].before, std::nullopt);
  EXPECT_EQ(got.changes[kTask].after, 5);
  EXPECT_FALSE(fs::exists(p.db));
  EXPECT_FALSE(fs::exists(fs::path(p.db).parent_path()));
  EXPECT_FALSE(fs::exists(p.journal_dir));
}

TEST(StoreSync, DryRunChangesNothing) {
  TempDir tmp;
  Paths p = paths_in(tmp);
  reserve_up_to(p, 3);
  std::string before = store_test::read_file(p.db);
  SyncResult got = raise_all(p.journal_dir, p.db, {{kTask, 10}, {kBug, 1}}, true);
  EXPECT_EQ(got.changes[kTask].before, 3);
  EXPECT_EQ(got.changes[kTask].after, 10);
  EXPECT_EQ(got.changes[kBug].before, std::nullopt);
  EXPECT_EQ(store_test::read_file(p.db), before);
  EXPECT_EQ(read_stored(p.db).size(), 1u);
}

TEST(StoreSync, UnwritableDatabaseThrows) {
  TempDir tmp;
  store_test::write_file(tmp / "notadir", "x");
  EXPECT_THROW(raise_all(tmp / "git", tmp / "notadir/chunks.db", {{kTask, 5}}, false), StoreError);
}

TEST(StoreReadStored, MissingFileIsEmptyAndNotCreated) {
  TempDir tmp;
  std::string db = tmp / "cache/chunks.db";
  EXPECT_TRUE(read_stored(db).empty());
  EXPECT_FALSE(fs::exists(db));
  EXPECT_FALSE(fs::exists(tmp / "cache"));
}

TEST(StoreReadStored, MissingTableIsEmpty) {
  TempDir tmp;
  std::string db = tmp / "chunks.db";
  store_test::run_sqlite3(db, "CREATE TABLE chunks(x);\n", tmp.path());
  EXPECT_TRUE(read_stored(db).empty());
}

TEST(StoreReadStored, ReadsRowsAsStored) {
  TempDir tmp;
  std::string db = tmp / "chunks.db";
  store_test::run_sqlite3(db, std::string(kSequenceTableSql) + "\nINSERT INTO id_sequences VALUES ('KABSD','TSK',7),('KA','BUG',2);\n",
                          tmp.path());
  auto rows = read_stored(db);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.at(kTask), 7);
  EXPECT_EQ((rows.at({"KA", "BUG"})), 2);
}

TEST(StoreReadStored, GarbageThrows) {
  TempDir tmp;
  std::string db = tmp / "chunks.db";
  store_test::write_file(db, std::string(4096, 'g'));
  EXPECT_THROW(read_stored(db), StoreError);
  EXPECT_EQ(store_test::read_file(db), std::string(4096, 'g'));
}

}  // namespace
}  // namespace kg
