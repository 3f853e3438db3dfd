#include "store/sequences.h"

#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;

TEST(SequenceTable, MissingTableReadsEmpty) {
  TempDir tmp;
  Database db(tmp / "a.db", Database::Mode::ReadWriteCreate);
  EXPECT_FALSE(has_sequence_table(db));
  EXPECT_TRUE(read_sequences(db).empty());
  EXPECT_EQ(read_sequence(db, "KABSD", "TSK"), std::nullopt);
}

TEST(SequenceTable, SchemaIsThePythonToolsExactly) {
  TempDir tmp;
  Database db(tmp / "a.db", Database::Mode::ReadWriteCreate);
  ensure_sequence_table(db);
  ensure_sequence_table(db);  // idempotent
  Statement st = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'id_sequences'");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column_text(0),
            "CREATE TABLE id_sequences (\n"
            "    prefix TEXT NOT NULL,\n"
            "    type_code TEXT NOT NULL,\n"
            "    next_number INTEGER NOT NULL DEFAULT 1,\n"
            "    PRIMARY KEY (prefix, type_code)\n"
            ")");
  EXPECT_EQ(check_sequence_table(db), "ok");
  // The default of the column is 1, as the Python tool declares it.
  db.exec("INSERT INTO id_sequences(prefix, type_code) VALUES ('A', 'TSK')");
  EXPECT_EQ(read_sequence(db, "A", "TSK"), 1);
}

TEST(SequenceTable, RaiseInsertsRaisesAndNeverLowers) {
  TempDir tmp;
  Database db(tmp / "a.db", Database::Mode::ReadWriteCreate);
  ensure_sequence_table(db);
  raise_sequence(db, "KABSD", "TSK", 7);
  EXPECT_EQ(read_sequence(db, "KABSD", "TSK"), 7);
  raise_sequence(db, "KABSD", "TSK", 3);
  EXPECT_EQ(read_sequence(db, "KABSD", "TSK"), 7);
  raise_sequence(db, "KABSD", "TSK", 12);
  EXPECT_EQ(read_sequence(db, "KABSD", "TSK"), 12);
  raise_sequence(db, "KABSD", "BUG", 2);
  auto all = read_sequences(db);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ((all[{"KABSD", "TSK"}]), 12);
  EXPECT_EQ((all[{"KABSD", "BUG"}]), 2);
}

TEST(SequenceTable, ReadMatchesCaseInsensitively) {
  TempDir tmp;
  Database db(tmp / "a.db", Database::Mode::ReadWriteCreate);
  ensure_sequence_table(db);
  db.exec("INSERT INTO id_sequences VALUES ('kabsd', 'tsk', 9), ('KABSD', 'TSK', 4)");
  EXPECT_EQ(read_sequence(db, "KABSD", "TSK"), 9);
  EXPECT_EQ(read_sequence(db, "Kabsd", "Tsk"), 9);
}

TEST(SequenceTable, LeavesTheJournalModeAlone) {
  TempDir tmp;
  std::string path = tmp / "a.db";
  store_test::run_sqlite3(path, "PRAGMA journal_mode=WAL;\n", tmp.path());
  {
    Database db(path, Database::Mode::ReadWriteCreate);
    ensure_sequence_table(db);
    raise_sequence(db, "KABSD", "TSK", 3);
  }
  EXPECT_EQ(store_test::run_sqlite3(path, "PRAGMA journal_mode;\n", tmp.path()), "wal\n");
}

}  // namespace
}  // namespace kg
