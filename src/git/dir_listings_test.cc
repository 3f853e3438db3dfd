#include "git/dir_listings.h"

#include <gtest/gtest.h>

#include "git/testing.h"
#include "git/worktree_changes.h"
#include "model/layout.h"
#include "util/build_fingerprint.h"

namespace kg {
namespace {

using namespace gittest;

DirStat stat_of(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return DirStat::of(st);
}

DirListing listing(const DirStat& st, std::vector<DirListing::Entry> entries, uint64_t digest = 0) {
  DirListing l;
  l.stat = st;
  l.entries = std::move(entries);
  l.digest = digest;
  return l;
}

uint64_t digest_of(const std::vector<std::string>& names) {
  uint64_t d = 0;
  for (const std::string& n : names) d += names_digest(n);
  return d;
}

TEST(DirListings, SavedListingsComeBackWhileTheFolderIsUnchanged) {
  TempDir dir;
  const fs::path file = dir.path() / "listings";
  fs::create_directories(dir.path() / "a");
  const DirStat a = stat_of(dir.path() / "a");
  DirListings::load(file.string(), "/work").save({}, {{"a", listing(a, {{'f', "x.md"}, {'d', "sub"}}, 42)}});

  DirListings back = DirListings::load(file.string(), "/work");
  const DirListing* got = back.find("a", a);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->entries, (std::vector<DirListing::Entry>{{'f', "x.md"}, {'d', "sub"}}));
  EXPECT_EQ(got->digest, 42u);
  DirStat moved = a;
  moved.mtime_nsec += 1;
  EXPECT_EQ(back.find("a", moved), nullptr);  // the folder changed since
  EXPECT_EQ(back.find("b", a), nullptr);
  EXPECT_EQ(DirListings::load(file.string(), "/elsewhere").find("a", a), nullptr);  // another working tree
  EXPECT_EQ(DirListings::load("", "/work").find("a", a), nullptr);                   // no cache
}

TEST(DirListings, DamagedFilesAreIgnored) {
  TempDir dir;
  const fs::path file = dir.path() / "listings";
  DirStat st;
  st.ino = 7;
  DirListings::load(file.string(), "/w").save({}, {{"a", listing(st, {{'f', "x.md"}})}});
  const std::string good = sh("cat " + quote(file.native()));
  ASSERT_NE(DirListings::load(file.string(), "/w").find("a", st), nullptr);
  for (size_t cut : {size_t{3}, good.size() / 2, good.size() - 1}) {
    write_file(file, good.substr(0, cut));
    EXPECT_EQ(DirListings::load(file.string(), "/w").find("a", st), nullptr) << cut;
  }
  std::string bad_type = good;
  bad_type[bad_type.rfind("x.md") - 9] = 'z';
  write_file(file, bad_type);
  EXPECT_EQ(DirListings::load(file.string(), "/w").find("a", st), nullptr);
  write_file(file, std::string(64, '\xff'));
  EXPECT_EQ(DirListings::load(file.string(), "/w").find("a", st), nullptr);
  // Written by another build (another fingerprint): not read.
  std::string other_build = good;
  const size_t at = other_build.find(std::string(build_fingerprint()));
  ASSERT_NE(at, std::string::npos);
  other_build[at] = other_build[at] == '0' ? '1' : '0';
  write_file(file, other_build);
  EXPECT_EQ(DirListings::load(file.string(), "/w").find("a", st), nullptr);
}

TEST(DirListings, OnlySettledFoldersAreKept) {
  DirStat st;
  st.mtime_sec = st.ctime_sec = 1000;
  EXPECT_FALSE(DirListings::settled(st, 1000));
  EXPECT_FALSE(DirListings::settled(st, 1000 + DirListings::kSettleSeconds - 1));
  EXPECT_TRUE(DirListings::settled(st, 1000 + DirListings::kSettleSeconds));
  st.ctime_sec = 2000;  // chmod'ed later: the names are as they were
  EXPECT_TRUE(DirListings::settled(st, 1000 + DirListings::kSettleSeconds));
}

// The stat pass with listings: what it finds is what it finds without them.
class StatPassWithListings : public ::testing::Test {
 protected:
  void SetUp() override {
    init_repo(r());
    for (int i = 0; i < 12; ++i) write_file(r() / "b" / ("d" + std::to_string(i % 3)) / (std::to_string(i) + ".md"), "x\n");
    commit_all(r(), "files");
    // Files and folders last changed long ago: settled, and not racily clean.
    sh("find " + quote((r() / "b").native()) + " -exec touch -d '2020-01-01' {} +");
    git(r(), "update-index --refresh -q");
  }
  const fs::path& r() const { return dir_.path(); }
  fs::path cache() const { return r() / ".git" / "listings"; }
  std::vector<std::string> changes(bool cached) {
    auto index = IndexFile::read((r() / ".git" / "index").string());
    EXPECT_TRUE(index);
    return worktree_changes(r().string(), *index, {"b"}, is_excluded_dir, cached ? cache().string() : "");
  }

 private:
  TempDir dir_;
};

TEST_F(StatPassWithListings, AnswersAsWithoutThemAcrossChanges) {
  EXPECT_TRUE(changes(true).empty());
  ASSERT_TRUE(fs::exists(cache()));  // the settled folders were kept
  EXPECT_NE(DirListings::load(cache().string(), r().string()).find("b/d1", stat_of(r() / "b" / "d1")), nullptr);

  write_file(r() / "b" / "d1" / "4.md", "edited in place\n");  // its folder does not change
  write_file(r() / "b" / "d2" / "new.md", "new\n");
  fs::create_directories(r() / "b" / "d0" / "deeper");
  write_file(r() / "b" / "d0" / "deeper" / "n.md", "new\n");
  fs::remove(r() / "b" / "d0" / "3.md");
  const std::vector<std::string> want{"b/d0/3.md", "b/d0/deeper/n.md", "b/d1/4.md", "b/d2/new.md"};  // 3.md: deleted
  EXPECT_EQ(changes(false), want);
  EXPECT_EQ(changes(true), want);
  EXPECT_EQ(changes(true), want);
}

TEST_F(StatPassWithListings, AnUnchangedFolderIsNotReadAgain) {
  EXPECT_TRUE(changes(true).empty());
  // A listing saved for b/d2 with the folder's present stat data and the
  // digest of the files the index has there, but not of a file that is
  // there: the pass trusts it, which shows it was used.
  write_file(r() / "b" / "d2" / "new.md", "new\n");
  const DirStat now = stat_of(r() / "b" / "d2");
  DirListings::load("", "").save({}, {});  // a no-op without a path
  DirListings::load(cache().string(), r().string())
      .save({"b", "b/d0", "b/d1"}, {{"b/d2", listing(now, {}, digest_of({"11.md", "2.md", "5.md", "8.md"}))}});
  EXPECT_EQ(changes(false), (std::vector<std::string>{"b/d2/new.md"}));
  EXPECT_TRUE(changes(true).empty());
}

TEST_F(StatPassWithListings, FilesTheIndexStopsOrStartsTrackingAreSeen) {
  write_file(r() / "b" / "d1" / "u.md", "untracked\n");
  sh("touch -d '2020-01-01' " + quote((r() / "b" / "d1").native()) + " " + quote((r() / "b" / "d1" / "u.md").native()));
  EXPECT_EQ(changes(true), (std::vector<std::string>{"b/d1/u.md"}));
  EXPECT_EQ(changes(true), (std::vector<std::string>{"b/d1/u.md"}));  // from the saved listing
  git(r(), "add b/d1/u.md");
  EXPECT_TRUE(changes(true).empty());
  git(r(), "rm -q --cached b/d1/4.md");  // still there, now untracked: the folder did not change
  EXPECT_EQ(changes(false), (std::vector<std::string>{"b/d1/4.md"}));
  EXPECT_EQ(changes(true), (std::vector<std::string>{"b/d1/4.md"}));
}

}  // namespace
}  // namespace kg
