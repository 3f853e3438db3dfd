// Corrupt files: moved aside (never deleted), replaced, numbers continue.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "store/journal.h"
#include "store/reservation.h"
#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;
namespace fs = std::filesystem;

ReserveRequest request_in(const TempDir& tmp) {
  ReserveRequest r;
  r.journal_dir = tmp / "git";
  r.db_path = tmp / "cache/chunks.db";
  r.prefix = "KABSD";
  r.type_code = "TSK";
  r.worktree = "wt";
  return r;
}

// The files next to `path` named `<name>.corrupt-<UTC stamp><suffix>`.
std::vector<fs::path> moved_aside(const std::string& path, const std::string& suffix = "") {
  fs::path p(path);
  std::regex name(std::regex_replace(p.filename().string(), std::regex(R"([.])"), R"(\.)") +
                  R"(\.corrupt-\d{8}T\d{6}Z(\.\d+)?)" + suffix);
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(p.parent_path()))
    if (std::regex_match(e.path().filename().string(), name)) out.push_back(e.path());
  return out;
}

// Garbage over the journal. Its write-ahead log goes too: the journal keeps
// it between runs (no checkpoint on close), and while the log holds every
// page SQLite never needs the main file.
void smash_journal(const std::string& path) {
  store_test::write_file(path, std::string(4096, '\x5a'));
  fs::remove(path + "-wal");
  fs::remove(path + "-shm");
}

bool mentions(const std::vector<std::string>& warnings, const std::string& a, const std::string& b) {
  for (const auto& w : warnings)
    if (w.find(a) != std::string::npos && w.find(b) != std::string::npos) return true;
  return false;
}

TEST(ReservationRecovery, GarbageDatabaseIsMovedAside) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 3;
  ASSERT_EQ(reserve(r).last, 3);
  const std::string garbage(8192, 'x');
  store_test::write_file(r.db_path, garbage);

  r.count = 1;
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 4);  // the journal remembers 1..3
  EXPECT_FALSE(got.fallback);
  EXPECT_TRUE(mentions(got.warnings, "the sequence database " + r.db_path + " was corrupt", "moved it aside to"))
      << (got.warnings.empty() ? "" : got.warnings[0]);
  auto aside = moved_aside(r.db_path);
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_EQ(store_test::read_file(aside[0].string()), garbage);  // kept, byte for byte
  EXPECT_EQ((read_stored(r.db_path).at({"KABSD", "TSK"})), 4);
  EXPECT_EQ(reserve(r).first, 5);
}

TEST(ReservationRecovery, DamagedTableIsMovedAside) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 3;
  reserve(r);
  // Enough rows for a multi-page table, then junk over the table's root page:
  // the file header stays valid, `PRAGMA quick_check(id_sequences)` fails.
  std::string fill = "BEGIN;\n";
  for (int i = 0; i < 600; ++i)
    fill += "INSERT INTO id_sequences VALUES ('P" + std::to_string(i) + "', 'TSK', " + std::to_string(i) + ");\n";
  fill += "COMMIT;\n";
  store_test::run_sqlite3(r.db_path, fill, tmp.path());
  int64_t page_size = std::stoll(store_test::run_sqlite3(r.db_path, "PRAGMA page_size;\n", tmp.path()));
  int64_t root = std::stoll(store_test::run_sqlite3(
      r.db_path, "SELECT rootpage FROM sqlite_master WHERE name = 'id_sequences';\n", tmp.path()));
  {
    std::fstream f(r.db_path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((root - 1) * page_size);
    std::string junk(static_cast<size_t>(page_size), '\x07');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  r.count = 1;
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 4);
  EXPECT_TRUE(mentions(got.warnings, "was corrupt", "moved it aside to"))
      << (got.warnings.empty() ? "" : got.warnings[0]);
  EXPECT_EQ(moved_aside(r.db_path).size(), 1u);
}

TEST(ReservationRecovery, GarbageJournalIsMovedAside) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 5;
  reserve(r);
  std::string jpath = journal_path(r.journal_dir);
  smash_journal(jpath);

  r.count = 1;
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 6);  // the chunks database remembers 5
  EXPECT_FALSE(got.fallback);
  EXPECT_TRUE(mentions(got.warnings, "the clone journal " + jpath + " was corrupt", "moved it aside to"))
      << (got.warnings.empty() ? "" : got.warnings[0]);
  EXPECT_EQ(moved_aside(jpath).size(), 1u);
  Database db(jpath, Database::Mode::ReadOnly);
  EXPECT_EQ(Journal(db).max_for("KABSD", "TSK"), 6);
}

TEST(ReservationRecovery, BothLostTheFloorStillHolds) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.count = 5;
  reserve(r);
  store_test::write_file(r.db_path, "garbage");
  smash_journal(journal_path(r.journal_dir));
  r.count = 1;
  r.floor = 5;  // the caller's scan of the files
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 6);
  EXPECT_EQ(got.warnings.size(), 2u);
}

TEST(ReservationRecovery, SecondMoveGetsItsOwnName) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  reserve(r);
  store_test::write_file(r.db_path, std::string(1024, 'a'));
  reserve(r);
  store_test::write_file(r.db_path, std::string(1024, 'b'));
  reserve(r);  // within the same second: a ".1" suffix
  EXPECT_EQ(moved_aside(r.db_path).size(), 2u);
}

}  // namespace
}  // namespace kg
