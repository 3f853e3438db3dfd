// Reserving when the chunks database (or the journal too) cannot be written.
//
// How the tests make a file really unwritable, as root and as anyone else:
// - structurally, which stops root as well: the database's folder is a
//   regular file (ENOTDIR: cannot create), the database path is a folder
//   (SQLITE_CANTOPEN), the journal's folder is a regular file;
// - by permissions (chmod), run in a forked child that, when the tests run as
//   root (CI), first drops to uid/gid 65534 so that permissions apply. A
//   probe in the child checks that the write really fails; if the child
//   cannot drop root or the probe still writes, the test is skipped, saying
//   why.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "store/journal.h"
#include "store/reservation.h"
#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;
namespace fs = std::filesystem;

constexpr const char* kPythonCaveat =
    "numbers come from a scan of the files and the clone journal, which is not safe against concurrent "
    "creators that use only the database (the Python tool)";

ReserveRequest request(const std::string& journal_dir, const std::string& db_path) {
  ReserveRequest r;
  r.journal_dir = journal_dir;
  r.db_path = db_path;
  r.prefix = "KABSD";
  r.type_code = "TSK";
  r.worktree = "wt";
  return r;
}

std::optional<int64_t> journal_max(const std::string& journal_dir) {
  Database db(journal_path(journal_dir), Database::Mode::ReadOnly);
  return Journal(db).max_for("KABSD", "TSK");
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ReservationFallback, DatabaseFolderIsAFile) {
  TempDir tmp;
  store_test::write_file(tmp / "notadir", "a file where a folder should be");
  ReserveRequest r = request(tmp / "git", tmp / "notadir/chunks.db");
  r.floor = 7;
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 8);
  EXPECT_TRUE(got.fallback);
  ASSERT_EQ(got.warnings.size(), 1u);
  const std::string& w = got.warnings[0];
  EXPECT_TRUE(contains(w, "warning: cannot write the sequence database " + r.db_path + " (cannot create the folder"))
      << w;
  EXPECT_TRUE(contains(w, kPythonCaveat)) << w;
  // The journal still records the numbers.
  EXPECT_EQ(journal_max(r.journal_dir), 8);
  EXPECT_EQ(reserve(r).first, 9);

  r.no_fallback = true;
  try {
    reserve(r);
    FAIL() << "no_fallback reserved without the database";
  } catch (const StoreError& e) {
    EXPECT_TRUE(contains(e.what(), "cannot write the sequence database " + r.db_path)) << e.what();
  }
  EXPECT_EQ(journal_max(r.journal_dir), 9);  // nothing recorded by the refused call
}

TEST(ReservationFallback, DatabasePathIsAFolder) {
  TempDir tmp;
  fs::create_directories(tmp / "cache/chunks.db");
  ReserveRequest r = request(tmp / "git", tmp / "cache/chunks.db");
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 1);
  EXPECT_TRUE(got.fallback);
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_TRUE(contains(got.warnings[0], kPythonCaveat)) << got.warnings[0];
  r.no_fallback = true;
  EXPECT_THROW(reserve(r), StoreError);
}

TEST(ReservationFallback, JournalUnwritableToo) {
  TempDir tmp;
  store_test::write_file(tmp / "gitfile", "not a folder");
  store_test::write_file(tmp / "notadir", "not a folder");
  ReserveRequest r = request(tmp / "gitfile", tmp / "notadir/chunks.db");
  r.floor = 12;
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 13);
  EXPECT_EQ(got.last, 13);
  EXPECT_TRUE(got.fallback);
  ASSERT_EQ(got.warnings.size(), 1u);
  const std::string& w = got.warnings[0];
  EXPECT_TRUE(contains(w, "cannot write the sequence database " + r.db_path)) << w;
  EXPECT_TRUE(contains(w, "nor the clone journal " + journal_path(r.journal_dir))) << w;
  EXPECT_TRUE(contains(w, "numbers come from a scan of the files only")) << w;
  r.no_fallback = true;
  EXPECT_THROW(reserve(r), StoreError);
}

TEST(ReservationFallback, JournalUnwritableDatabaseFine) {
  TempDir tmp;
  store_test::write_file(tmp / "gitfile", "not a folder");
  ReserveRequest r = request(tmp / "gitfile", tmp / "cache/chunks.db");
  r.no_fallback = true;  // the database works: no_fallback does not refuse
  EXPECT_EQ(reserve(r).first, 1);
  ReserveResult got = reserve(r);
  EXPECT_EQ(got.first, 2);
  EXPECT_FALSE(got.fallback);
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_TRUE(contains(got.warnings[0], "cannot write the clone journal")) << got.warnings[0];
  EXPECT_EQ((read_stored(r.db_path).at({"KABSD", "TSK"})), 2);
}

// ---- permissions, in an unprivileged child ----------------------------------

// The result of a reservation made in the child, as text: "first last
// fallback" then one warning per line, or "STOREERROR message".
std::string describe(const ReserveRequest& r) {
  try {
    ReserveResult got = reserve(r);
    std::ostringstream out;
    out << got.first << " " << got.last << " " << got.fallback << "\n";
    for (const auto& w : got.warnings) out << w << "\n";
    return out.str();
  } catch (const StoreError& e) {
    return std::string("STOREERROR ") + e.what() + "\n";
  }
}

// Makes `tmp` reachable for the unprivileged child and `journal_dir`
// writable for it.
void open_up(const TempDir& tmp, const std::string& journal_dir) {
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  fs::create_directories(journal_dir);
  fs::permissions(journal_dir, fs::perms::all);
}

// Runs in the child before the reservation: the write must really fail.
std::string probe(const std::string& tmp, const std::string& must_fail_path, bool create) {
  if (::access(tmp.c_str(), X_OK) != 0) return "SKIP the temporary folder is not reachable without root";
  int fd = create ? ::open(must_fail_path.c_str(), O_WRONLY | O_CREAT, 0644) : ::open(must_fail_path.c_str(), O_WRONLY);
  if (fd >= 0) {
    ::close(fd);
    if (create) ::unlink(must_fail_path.c_str());
    return "SKIP the permissions do not stop writes here";
  }
  return {};
}

// Runs `fn` in the unprivileged child; skips the test when the setup does
// not really make the file unwritable.
#define KG_RUN_UNPRIVILEGED(outcome, fn)                                                       \
  store_test::ChildOutcome outcome = store_test::run_in_child(fn, /*unprivileged=*/true);       \
  if (outcome.exit_code == 77) GTEST_SKIP() << "cannot drop root privileges in a child";       \
  if (outcome.output.rfind("SKIP ", 0) == 0) GTEST_SKIP() << outcome.output.substr(5);        \
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output

void make_db(const std::string& path, int64_t value) {
  fs::create_directories(fs::path(path).parent_path());
  store_test::run_sqlite3(path,
                          std::string(kSequenceTableSql) + "\nINSERT INTO id_sequences VALUES ('KABSD', 'TSK', " +
                              std::to_string(value) + ");\n",
                          fs::path(path).parent_path());
}

TEST(ReservationFallback, DatabaseFileWithoutWritePermission) {
  TempDir tmp;
  ReserveRequest r = request(tmp / "git", tmp / "cache/chunks.db");
  make_db(r.db_path, 20);
  open_up(tmp, r.journal_dir);
  fs::permissions(tmp / "cache", fs::perms::all);  // only the file is read-only
  fs::permissions(r.db_path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  r.floor = 5;
  KG_RUN_UNPRIVILEGED(child, [&] {
    if (std::string skip = probe(tmp.path().string(), r.db_path, false); !skip.empty()) return skip;
    ReserveRequest strict = r;
    strict.no_fallback = true;
    return describe(r) + describe(strict);
  });
  std::istringstream lines(child.output);
  std::string first, warning, refused;
  std::getline(lines, first);
  std::getline(lines, warning);
  std::getline(lines, refused);
  EXPECT_EQ(first, "21 21 1") << child.output;  // the stored 20 was read
  EXPECT_TRUE(contains(warning, "warning: cannot write the sequence database " + r.db_path + " (")) << warning;
  EXPECT_TRUE(contains(warning, kPythonCaveat)) << warning;
  EXPECT_TRUE(contains(refused, "STOREERROR cannot write the sequence database")) << refused;
  EXPECT_EQ((read_stored(r.db_path).at({"KABSD", "TSK"})), 20);  // untouched
  EXPECT_EQ(journal_max(r.journal_dir), 21);
}

TEST(ReservationFallback, ReadOnlyFolderNoDatabaseYet) {
  TempDir tmp;
  ReserveRequest r = request(tmp / "git", tmp / "cache/chunks.db");
  fs::create_directories(tmp / "cache");
  open_up(tmp, r.journal_dir);
  fs::permissions(tmp / "cache", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
  KG_RUN_UNPRIVILEGED(child, [&] {
    if (std::string skip = probe(tmp.path().string(), tmp / "cache/probe", true); !skip.empty()) return skip;
    ReserveRequest strict = r;
    strict.no_fallback = true;
    return describe(r) + describe(strict);
  });
  EXPECT_TRUE(contains(child.output, "1 1 1\n")) << child.output;
  EXPECT_TRUE(contains(child.output, kPythonCaveat)) << child.output;
  EXPECT_TRUE(contains(child.output, "STOREERROR cannot write the sequence database")) << child.output;
  EXPECT_FALSE(fs::exists(r.db_path));
}

// The file is writable but its folder is not: SQLite notices only at the
// first write (it cannot create the rollback journal), after the lock.
TEST(ReservationFallback, ReadOnlyFolderExistingDatabase) {
  TempDir tmp;
  ReserveRequest r = request(tmp / "git", tmp / "cache/chunks.db");
  make_db(r.db_path, 30);
  open_up(tmp, r.journal_dir);
  fs::permissions(r.db_path, fs::perms::all);
  fs::permissions(tmp / "cache", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
  KG_RUN_UNPRIVILEGED(child, [&] {
    if (std::string skip = probe(tmp.path().string(), tmp / "cache/probe", true); !skip.empty()) return skip;
    ReserveRequest strict = r;
    strict.no_fallback = true;
    return describe(r) + describe(strict);
  });
  EXPECT_TRUE(contains(child.output, "31 31 1\n")) << child.output;
  EXPECT_TRUE(contains(child.output, kPythonCaveat)) << child.output;
  EXPECT_TRUE(contains(child.output, "STOREERROR cannot write the sequence database")) << child.output;
  EXPECT_EQ((read_stored(r.db_path).at({"KABSD", "TSK"})), 30);
  EXPECT_EQ(journal_max(r.journal_dir), 31);
}

}  // namespace
}  // namespace kg
