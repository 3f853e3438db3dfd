#include "store/sqlite.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;

TEST(StoreSqlite, CreatesBindsStepsAndReads) {
  TempDir tmp;
  Database db(tmp / "a.db", Database::Mode::ReadWriteCreate);
  db.exec("CREATE TABLE t(name TEXT, n INTEGER)");
  Statement ins = db.prepare("INSERT INTO t VALUES (?1, ?2)");
  ins.bind(1, "x").bind(2, int64_t{1} << 40);
  EXPECT_FALSE(ins.step());
  ins.reset();
  ins.bind(1, "y").bind_null(2);
  EXPECT_FALSE(ins.step());

  Statement sel = db.prepare("SELECT name, n FROM t ORDER BY name");
  ASSERT_TRUE(sel.step());
  EXPECT_EQ(sel.column_text(0), "x");
  EXPECT_EQ(sel.column_int64(1), int64_t{1} << 40);
  ASSERT_TRUE(sel.step());
  EXPECT_TRUE(sel.column_is_null(1));
  EXPECT_FALSE(sel.step());
  EXPECT_FALSE(db.read_only());
  EXPECT_TRUE(db.autocommit());
}

TEST(StoreSqlite, ErrorsCarryCodeAndPath) {
  TempDir tmp;
  std::string path = tmp / "a.db";
  Database db(path, Database::Mode::ReadWriteCreate);
  try {
    db.exec("SELECT * FROM missing_table");
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code() & 0xff, SQLITE_ERROR);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing_table"), std::string::npos) << e.what();
  }
}

TEST(StoreSqlite, ReadOnlyModeDoesNotCreate) {
  TempDir tmp;
  std::string path = tmp / "missing.db";
  try {
    Database db(path, Database::Mode::ReadOnly);
    FAIL() << "opened a missing file";
  } catch (const StoreError& e) {
    EXPECT_TRUE(is_readonly(e.code())) << e.what();  // SQLITE_CANTOPEN
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(StoreSqlite, ReadOnlyConnectionRefusesWrites) {
  TempDir tmp;
  std::string path = tmp / "a.db";
  { Database(path, Database::Mode::ReadWriteCreate).exec("CREATE TABLE t(x)"); }
  Database db(path, Database::Mode::ReadOnly);
  EXPECT_TRUE(db.read_only());
  try {
    db.exec("INSERT INTO t VALUES (1)");
    FAIL() << "wrote through a read-only connection";
  } catch (const StoreError& e) {
    EXPECT_TRUE(is_readonly(e.code())) << e.what();
    EXPECT_FALSE(is_corrupt(e.code()));
  }
}

TEST(StoreSqlite, GarbageFileIsCorrupt) {
  TempDir tmp;
  std::string path = tmp / "garbage.db";
  store_test::write_file(path, std::string(8192, 'x'));
  Database db(path, Database::Mode::ReadWriteCreate);
  try {
    db.exec("SELECT * FROM sqlite_master");
    FAIL() << "read garbage";
  } catch (const StoreError& e) {
    EXPECT_TRUE(is_corrupt(e.code())) << e.what();
  }
}

TEST(StoreSqlite, ErrorClassification) {
  EXPECT_TRUE(is_corrupt(SQLITE_NOTADB));
  EXPECT_TRUE(is_corrupt(SQLITE_CORRUPT));
  EXPECT_TRUE(is_corrupt(SQLITE_CORRUPT_INDEX));
  EXPECT_FALSE(is_corrupt(SQLITE_IOERR));
  EXPECT_TRUE(is_readonly(SQLITE_READONLY));
  EXPECT_TRUE(is_readonly(SQLITE_READONLY_DIRECTORY));
  EXPECT_TRUE(is_readonly(SQLITE_CANTOPEN));
  EXPECT_TRUE(is_readonly(SQLITE_PERM));
  EXPECT_TRUE(is_readonly(SQLITE_AUTH));
  EXPECT_FALSE(is_readonly(SQLITE_BUSY));
  EXPECT_TRUE(is_busy(SQLITE_BUSY));
  EXPECT_TRUE(is_busy(SQLITE_BUSY_SNAPSHOT));
  EXPECT_FALSE(is_busy(SQLITE_LOCKED));
}

}  // namespace
}  // namespace kg
