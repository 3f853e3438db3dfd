#include "store/journal.h"

#include <gtest/gtest.h>

#include "store/sequence_locks.h"
#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;

TEST(JournalFile, LivesInTheCommonDir) {
  EXPECT_EQ(journal_path("/repo/.git"), "/repo/.git/kabsd-guard/journal.sqlite3");
}

TEST(JournalFile, RecordsAndReportsTheHighest) {
  TempDir tmp;
  Database db(tmp / "j.db", Database::Mode::ReadWriteCreate);
  db.exec(kJournalTableSql);
  Journal j(db);
  EXPECT_EQ(j.max_for("KABSD", "TSK"), std::nullopt);
  j.record({"KABSD", "TSK", 4, "0190a5f0-0000-7000-8000-000000000001", "/wt/a", "2025-01-01T00:00:00.000Z"});
  j.record({"KABSD", "TSK", 9, "", "/wt/b", "2025-01-01T00:00:01.000Z"});
  j.record({"KABSD", "BUG", 2, "", "/wt/b", "2025-01-01T00:00:02.000Z"});
  EXPECT_EQ(j.max_for("KABSD", "TSK"), 9);
  EXPECT_EQ(j.max_for("KABSD", "BUG"), 2);
  EXPECT_EQ(j.max_for("OTHER", "TSK"), std::nullopt);
  auto all = j.max_all();
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ((all[{"KABSD", "TSK"}]), 9);

  Statement st = db.prepare("SELECT uid, worktree FROM reservations WHERE number = 4");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column_text(0), "0190a5f0-0000-7000-8000-000000000001");
  EXPECT_EQ(st.column_text(1), "/wt/a");
  Statement nul = db.prepare("SELECT uid IS NULL FROM reservations WHERE number = 9");
  ASSERT_TRUE(nul.step());
  EXPECT_EQ(nul.column_int64(0), 1);
}

TEST(JournalFile, ANumberIsRecordedOnce) {
  TempDir tmp;
  Database db(tmp / "j.db", Database::Mode::ReadWriteCreate);
  db.exec(kJournalTableSql);
  Journal j(db);
  j.record({"KABSD", "TSK", 4, "", "", "t"});
  EXPECT_THROW(j.record({"KABSD", "TSK", 4, "", "", "t"}), StoreError);
}

TEST(JournalFile, OpenedLockedInWalMode) {
  TempDir tmp;
  {
    LockedFile f = open_locked(journal_spec(tmp.path().string()), lock_deadline());
    ASSERT_TRUE(f.writable()) << f.unwritable;
    EXPECT_TRUE(f.warnings.empty());
    f.txn->commit();
  }
  std::string path = journal_path(tmp.path().string());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(store_test::run_sqlite3(path, "PRAGMA journal_mode;\n", tmp.path()), "wal\n");
}

}  // namespace
}  // namespace kg
