#include "store/reservation.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "store/journal.h"
#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;
namespace fs = std::filesystem;

ReserveRequest request_in(const TempDir& tmp) {
  ReserveRequest r;
  r.journal_dir = tmp / "git";
  r.db_path = tmp / "cache/backlog.kabsd.chunks.v1.db";
  r.prefix = "KABSD";
  r.type_code = "TSK";
  r.worktree = tmp.path().string();
  return r;
}

int64_t stored_value(const std::string& db_path) {
  auto rows = read_stored(db_path);
  return rows.at({"KABSD", "TSK"});
}

TEST(ReservationBasics, FreshTableHandsOutOneTwoThree) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  for (int64_t expected = 1; expected <= 3; ++expected) {
    ReserveResult got = reserve(r);
    EXPECT_EQ(got.first, expected);
    EXPECT_EQ(got.last, expected);
    EXPECT_FALSE(got.fallback);
    EXPECT_TRUE(got.warnings.empty());
  }
  EXPECT_EQ(stored_value(r.db_path), 3);  // the last number handed out
  EXPECT_TRUE(fs::exists(journal_path(r.journal_dir)));
}

TEST(ReservationBasics, FloorLeavesNoGap) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.floor = 41;
  EXPECT_EQ(reserve(r).first, 42);
  EXPECT_EQ(reserve(r).first, 43);  // the stored value now wins over the floor
  r.floor = 99;
  EXPECT_EQ(reserve(r).first, 100);
}

TEST(ReservationBasics, CountGivesAContiguousRange) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 5;
  r.uids = {"u1", "u2", "u3", "u4", "u5"};
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 1);
  EXPECT_EQ(got.last, 5);
  EXPECT_EQ(stored_value(r.db_path), 5);
  r.count = 1;
  r.uids.clear();
  EXPECT_EQ(reserve(r).first, 6);

  Database j(journal_path(r.journal_dir), Database::Mode::ReadOnly);
  Statement st = j.prepare("SELECT number, uid, worktree FROM reservations ORDER BY number");
  for (int n = 1; n <= 6; ++n) {
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.column_int64(0), n);
    EXPECT_EQ(st.column_text(1), n <= 5 ? "u" + std::to_string(n) : "");
    EXPECT_EQ(st.column_text(2), tmp.path().string());
  }
  EXPECT_FALSE(st.step());
}

TEST(ReservationBasics, RejectsBadRequests) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 0;
  EXPECT_THROW(reserve(r), std::invalid_argument);
  r.count = 2;
  r.uids = {"only-one"};
  EXPECT_THROW(reserve(r), std::invalid_argument);
}

TEST(ReservationBasics, PrefixAndCodeAreStoredUpperCase) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.prefix = "kabsd";
  r.type_code = "tsk";
  EXPECT_EQ(reserve(r).first, 1);
  EXPECT_EQ(stored_value(r.db_path), 1);
}

TEST(ReservationBasics, StoredValueKeepsThePythonMeaning) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.floor = 4;
  ASSERT_EQ(reserve(r).first, 5);
  std::string out = store_test::run_sqlite3(r.db_path, store_test::python_reserve_sql("KABSD", "TSK"), tmp.path());
  EXPECT_EQ(out, "6\n");
  // And a Python-tool reservation is respected by ours.
  EXPECT_EQ(reserve(r).first, 7);
}

TEST(ReservationBasics, KeepsTheDatabaseJournalMode) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  fs::create_directories(fs::path(r.db_path).parent_path());
  store_test::run_sqlite3(r.db_path, "PRAGMA journal_mode=WAL;\n", tmp.path());
  reserve(r);
  EXPECT_EQ(store_test::run_sqlite3(r.db_path, "PRAGMA journal_mode;\n", tmp.path()), "wal\n");

  ReserveRequest r2 = r;
  r2.db_path = tmp / "cache/other.db";
  reserve(r2);
  EXPECT_EQ(store_test::run_sqlite3(r2.db_path, "PRAGMA journal_mode;\n", tmp.path()), "delete\n");
}

TEST(ReservationBasics, DeletedDatabaseDoesNotReissue) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 3;
  EXPECT_EQ(reserve(r).last, 3);
  fs::remove(r.db_path);
  r.count = 1;
  EXPECT_EQ(reserve(r).first, 4);  // the journal remembers
  EXPECT_EQ(stored_value(r.db_path), 4);
}

TEST(ReservationBasics, RebuiltEmptyTableDoesNotReissue) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 3;
  reserve(r);
  // What the Python tool's index rebuild leaves behind: a new file, empty table.
  fs::remove(r.db_path);
  store_test::run_sqlite3(r.db_path, std::string(kSequenceTableSql) + "\n", tmp.path());
  ASSERT_TRUE(read_stored(r.db_path).empty());
  r.count = 1;
  EXPECT_EQ(reserve(r).first, 4);
}

TEST(ReservationBasics, OtherSequencesAreIndependent) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 4;
  reserve(r);
  r.count = 1;
  r.type_code = "BUG";
  EXPECT_EQ(reserve(r).first, 1);
  r.prefix = "OTHER";
  r.type_code = "TSK";
  EXPECT_EQ(reserve(r).first, 1);
}

// Another process holds the database's write lock for a while (the Python
// tool in a long transaction): reserve waits instead of reporting "database
// is locked".
TEST(ReservationBasics, WaitsForAHeldLock) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  reserve(r);
  for (const std::string& path : {r.db_path, journal_path(r.journal_dir)}) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::alarm(60);
      Database db(path, Database::Mode::ReadWriteCreate);
      db.exec("BEGIN IMMEDIATE");
      (void)!::write(ready[1], "x", 1);
      ::usleep(1500 * 1000);
      db.exec("COMMIT");
      ::_exit(0);
    }
    char c;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    auto start = std::chrono::steady_clock::now();
    ReserveResult got = reserve(r);
    auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(got.warnings.empty());
    EXPECT_GE(waited, std::chrono::milliseconds(1000)) << path;
    EXPECT_EQ(store_test::wait_exit_code(pid), 0);
    ::close(ready[0]);
    ::close(ready[1]);
  }
  EXPECT_EQ(reserve(r).first, 4);
}

}  // namespace
}  // namespace kg
